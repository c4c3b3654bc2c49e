// docs/openapi.yaml matches the server's route table (`yutang routes`): every route documented, every documented path served.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, runCli } from '../lib/server.mjs';

const DOC = path.join(ROOT, 'docs', 'openapi.yaml');
const OPS = ['GET /healthz', 'GET /readyz', 'GET /metrics'];

/** Reads paths, methods and x-permission from the fixed layout: paths at 2 spaces, methods at 4, keys at 6. */
function parseDoc(text) {
  const ops = new Map();   // "METHOD /path" -> {permission, line}
  let inPaths = false; let cur = null; let op = null;
  text.split('\n').forEach((line, i) => {
    if (/^\S/.test(line)) { inPaths = line.startsWith('paths:'); cur = null; op = null; return; }
    if (!inPaths) return;
    let m;
    if ((m = /^ {2}(\/\S*):\s*$/.exec(line))) { cur = m[1]; op = null; return; }
    if (cur && (m = /^ {4}(get|post|patch|put|delete):\s*$/.exec(line))) {
      op = `${m[1].toUpperCase()} ${cur}`;
      assert.ok(!ops.has(op), `duplicate operation ${op}`);
      ops.set(op, { permission: null, line: i + 1 });
      return;
    }
    if (op && (m = /^ {6}x-permission:\s*(\S+)\s*$/.exec(line))) ops.get(op).permission = m[1];
  });
  return ops;
}

function parseRoutes(out) {
  const routes = new Map();
  for (const line of out.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const parts = line.split(/\s+/);
    assert.ok(parts.length === 3 || parts.length === 2, `route line "${line}" is METHOD PATH PERMISSION`);
    const [method, p, perm] = parts;
    assert.match(method, /^(GET|POST|PATCH|PUT|DELETE)$/, line);
    assert.match(p, /^\/[\w\-./{}]*$/, line);
    routes.set(`${method} ${p}`, perm || '-');
  }
  return routes;
}

describe('OpenAPI document', () => {
  const text = fs.readFileSync(DOC, 'utf8');

  test('is OpenAPI 3.1 YAML with two-space indentation and no tabs', () => {
    assert.match(text, /^openapi: 3\.1\.\d+$/m);
    assert.ok(!text.includes('\t'), 'no tabs');
    text.split('\n').forEach((l, i) => {
      const ind = /^ */.exec(l)[0].length;
      assert.equal(ind % 2, 0, `line ${i + 1} indentation is a multiple of two`);
    });
    assert.match(text, /^ {4}bearer:\n {6}type: http\n {6}scheme: bearer/m, 'bearer security scheme');
  });

  test('a standard validator accepts it (@apidevtools/swagger-parser)', async () => {
    const { default: SwaggerParser } = await import('@apidevtools/swagger-parser');
    const api = await SwaggerParser.validate(DOC);
    assert.equal(api.openapi.slice(0, 3), '3.1');
  });

  test('every $ref resolves to a schema, parameter or response in components', () => {
    const defined = new Set();
    let section = null;
    for (const l of text.split('\n')) {
      let m;
      if ((m = /^ {2}(schemas|parameters|responses|securitySchemes):\s*$/.exec(l))) section = m[1];
      else if (/^ {0,1}\S/.test(l)) section = null;
      else if (section && (m = /^ {4}([\w.-]+):\s*$/.exec(l))) defined.add(`#/components/${section}/${m[1]}`);
    }
    const refs = [...text.matchAll(/\$ref: '([^']+)'/g)].map((m) => m[1]);
    assert.ok(refs.length > 20);
    const missing = [...new Set(refs.filter((r) => !defined.has(r)))];
    assert.deepEqual(missing, []);
    for (const s of ['Customer', 'Staff', 'Problem', 'Event', 'Tag', 'TagGroup', 'Remark', 'Order', 'Token', 'AuditEntry', 'Store']) {
      assert.ok(defined.has(`#/components/schemas/${s}`), `schema ${s}`);
    }
  });

  test('every route is documented and every documented operation is a route, with the same permission', () => {
    const doc = parseDoc(text);
    const routes = parseRoutes(runCli(['routes']));
    assert.ok(routes.size >= 30, `routes printed: ${routes.size}`);
    for (const o of OPS) if (!routes.has(o)) routes.set(o, '-');   // ops endpoints may be served outside the API router
    const undocumented = [...routes.keys()].filter((r) => !doc.has(r)).sort();
    const phantom = [...doc.keys()].filter((r) => !routes.has(r)).sort();
    assert.deepEqual(undocumented, [], 'routes missing from docs/openapi.yaml');
    assert.deepEqual(phantom, [], 'documented operations the server does not have');
    const norm = (p) => {
      if (p === null || p === undefined || ['-', 'none', 'public'].includes(p)) return 'none';
      if (['auth', 'authenticated', 'signed-in', 'login', 'session', 'any'].includes(p)) return 'signed-in';
      return p.split('+').sort().join('+');
    };
    const wrongPerm = [];
    for (const [r, perm] of routes) {
      const d = doc.get(r);
      if (norm(perm) !== norm(d.permission)) wrongPerm.push(`${r}: server ${perm}, doc ${d.permission}`);
    }
    assert.deepEqual(wrongPerm, [], 'x-permission matches the route table');
  });

  test('the documented operations cover the API contract', () => {
    const doc = parseDoc(text);
    const required = [
      'POST /api/v1/auth/login', 'POST /api/v1/auth/logout', 'GET /api/v1/me',
      'GET /api/v1/tokens', 'POST /api/v1/tokens', 'DELETE /api/v1/tokens/{id}',
      'GET /api/v1/staff', 'POST /api/v1/staff', 'PATCH /api/v1/staff/{id}', 'GET /api/v1/staff/{id}/tokens', 'GET /api/v1/stores', 'POST /api/v1/stores',
      'GET /api/v1/customers', 'POST /api/v1/customers', 'GET /api/v1/customers/{id}', 'PATCH /api/v1/customers/{id}',
      'POST /api/v1/customers/{id}/identities', 'POST /api/v1/customers/{id}/merge', 'POST /api/v1/customers/{id}/tags',
      'DELETE /api/v1/customers/{id}/tags/{name}', 'POST /api/v1/customers/bulk/tags', 'POST /api/v1/customers/bulk/transfer',
      'GET /api/v1/customers/{id}/remarks', 'POST /api/v1/customers/{id}/remarks', 'GET /api/v1/customers/{id}/orders',
      'GET /api/v1/customers/{id}/export', 'POST /api/v1/customers/{id}/erase', 'GET /api/v1/customers/{id}/events',
      'GET /api/v1/tag-groups', 'POST /api/v1/tag-groups', 'PATCH /api/v1/tag-groups/{id}', 'DELETE /api/v1/tag-groups/{id}',
      'GET /api/v1/tags', 'POST /api/v1/tags', 'PATCH /api/v1/tags/{id}', 'DELETE /api/v1/tags/{id}',
      'POST /api/v1/events', 'POST /api/v1/import/orders', 'POST /api/v1/import/customers', 'GET /api/v1/export/customers',
      'GET /api/v1/audit', ...OPS,
    ];
    assert.deepEqual(required.filter((r) => !doc.has(r)), []);
  });
});
