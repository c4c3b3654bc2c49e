/* Demo data: a believable brand (stores, staff, customers with Chinese names, tags, orders, events). Deterministic. */
#include "demo.h"
#include "../base/alloc.h"
#include "../base/crypto.h"
#include "../base/timeutil.h"
#include "../customer/customer.h"
#include "../customer/identity.h"
#include "../importer/importer.h"
#include "../shop/shop.h"
#include "../staff/staff.h"
#include "../tag/tag.h"
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEMO_PASSWORD "demo-12345"

static uint64_t rng_state = 0x5eed1234abcdULL;
static uint64_t rnd(void) { /* splitmix64: same data on every run */
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static int pick(int n) { return (int)(rnd() % (uint64_t)n); }
static bool chance(int percent) { return pick(100) < percent; }

static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙",
                                       "马", "朱", "胡", "郭", "何", "林", "高", "罗", "郑", "梁", "谢", "宋"};
static const char *const given[] = {"小明", "芳", "静", "丽", "强", "磊", "洋", "艳", "敏", "军", "杰", "娟",
                                    "涛", "超", "秀英", "晓燕", "婷婷", "子涵", "欣怡", "梓萱", "浩然", "宇轩",
                                    "思远", "雨桐", "佳怡", "一诺", "俊杰", "诗涵", "嘉怡", "若曦", "明轩", "可馨"};
static const char *const nick_words[] = {"小鱼儿", "阳光", "奶茶控", "喵星人", "追风", "向日葵", "柠檬", "晴天",
                                         "小确幸", "海盐", "橘子", "云朵", "樱桃", "森林", "糖果", "星空"};
static const char *const cities[] = {"上海", "杭州", "成都", "苏州", "南京", "北京", "广州", "深圳", "武汉", "重庆"};

static const struct {
    const char *name, *city;
} stores[] = {{"上海南京西路店", "上海"}, {"杭州湖滨店", "杭州"}, {"成都太古里店", "成都"}};

static const struct {
    const char *username, *display, *role;
    int store; /* index into stores, -1 none */
} staff[] = {
    {"ops.lin", "林晓（社群运营）", "operator", -1}, {"editor.zhou", "周妍（群编辑）", "editor", -1},
    {"service.chen", "陈静（客服）", "service", -1}, {"analyst.wang", "王磊（数据分析）", "analyst", -1},
    {"guide.li", "李娜（导购）", "guide", 0},        {"guide.zhang", "张伟（导购）", "guide", 0},
    {"guide.liu", "刘洋（导购）", "guide", 1},       {"guide.huang", "黄敏（导购）", "guide", 1},
    {"guide.zhao", "赵丽（导购）", "guide", 2},
};

static const struct {
    const char *group;
    const char *tags[4];
} tag_groups[] = {
    {"宝宝年龄", {"0-1岁", "1-3岁", "3-6岁", NULL}},
    {"兴趣", {"有宠物", "美妆", "户外", "咖啡"}},
    {"价值", {"高价值", "潜力客户", "沉睡客户", NULL}},
    {"身份", {"宝妈", "学生", "白领", NULL}},
};

static const char *const remarks[] = {"喜欢新品试用，朋友圈常晒单", "对价格敏感，大促再联系", "家里有两只猫，关注宠物用品",
                                      "宝宝一岁半，关注辅食", "会员日必到店", "希望有更多门店自提"};

bool demo_needed(yt_ctx *x) { return db_query_int(x->db, "SELECT count(*) FROM customers", 0, NULL, 1) == 0; }

static const char *find_orders_csv(char *buf, size_t n) {
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len > 0) {
        exe[len] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            snprintf(buf, n, "%s/../data/cdnow/master.csv", exe);
            if (access(buf, R_OK) == 0) return buf;
        }
    }
    snprintf(buf, n, "%s/data/cdnow/master.csv", YT_SOURCE_DIR);
    return access(buf, R_OK) == 0 ? buf : NULL;
}

static int fail_db(yt_ctx *x) {
    db_rollback(x->db);
    return x->err.code ? x->err.code : yt_fail_db(x, "seeding demo data");
}

int demo_seed(yt_ctx *x, const char *orders_csv) {
    rng_state = 0x5eed1234abcdULL;
    char path[PATH_MAX + 64];
    if (!orders_csv) orders_csv = find_orders_csv(path, sizeof path);
    if (!orders_csv) return yt_fail(x, YT_EINVAL, "file", "data/cdnow/master.csv was not found");
    int64_t store_ids[3], guide_ids[8];
    int nguides = 0;
    int guide_store[8];
    for (int i = 0; i < 3; i++) {
        yt_param p[] = {PT(stores[i].name)};
        store_ids[i] = db_query_int(x->db, "SELECT id FROM stores WHERE name = ?", 1, p, 0);
        if (!store_ids[i] && shop_create(x, stores[i].name, stores[i].city, &store_ids[i])) return x->err.code;
    }
    for (size_t i = 0; i < sizeof staff / sizeof staff[0]; i++) {
        int64_t id = staff_id_by_username(x->db, staff[i].username);
        if (!id) {
            staff_new in = {staff[i].username, staff[i].display, staff[i].role, DEMO_PASSWORD,
                            staff[i].store >= 0 ? store_ids[staff[i].store] : 0};
            if (staff_create(x, &in, &id)) return x->err.code;
        }
        if (strcmp(staff[i].role, "guide") == 0) {
            guide_store[nguides] = staff[i].store;
            guide_ids[nguides++] = id;
        }
    }
    for (size_t g = 0; g < sizeof tag_groups / sizeof tag_groups[0]; g++) {
        int64_t gid;
        yt_param p[] = {PT(tag_groups[g].group)};
        gid = db_query_int(x->db, "SELECT id FROM tag_groups WHERE name = ?", 1, p, 0);
        if (!gid && tag_group_create(x, tag_groups[g].group, &gid)) return x->err.code;
        for (int t = 0; t < 4 && tag_groups[g].tags[t]; t++) {
            int64_t tid;
            if (tag_ensure(x, tag_groups[g].tags[t], &tid)) return x->err.code;
            yt_param q[] = {PI(gid), PI(tid)};
            db_exec(x->db, "UPDATE tags SET group_id = ? WHERE id = ?", 2, q);
        }
    }
    /* CDNOW purchases 1997-01-01..1998-06-30, re-dated so that the last day is today (Asia/Shanghai), as a
     * Tmall store's history: recency, P(alive), the lifecycle and 7-day figures look like a running business */
    FILE *f = fopen(orders_csv, "r");
    if (!f) return yt_fail(x, YT_EINVAL, "file", "cannot open %s", orders_csv);
    order_map m;
    char bad[64], storage[64];
    order_map_parse(NULL, &m, bad, sizeof bad, storage, sizeof storage);
    int64_t today = brand_day(now_ms());
    m.shift_ms = (today - days_from_civil(1998, 6, 30)) * 86400000LL;
    import_summary *sum = yt_malloc(sizeof *sum);
    int rc = import_orders(x, f, "tmall", &m, sum, NULL, NULL);
    fclose(f);
    free(sum);
    if (rc) return rc;

    /* give every buyer a person: name, phone, city, store, guide, tags, remarks, events */
    int64_t newest = db_query_int(x->db, "SELECT max(ordered_at) FROM orders", 0, NULL, 0);
    yt_rows *r = db_query(x->db,
                          "SELECT c.id, min(o.ordered_at), max(o.ordered_at), sum(o.amount_fen), count(*) FROM customers c"
                          " JOIN orders o ON o.customer_id = c.id WHERE c.name = '' GROUP BY c.id ORDER BY c.id",
                          0, NULL);
    if (!r) return yt_fail_db(x, "seeding demo data");
    typedef struct {
        int64_t id, first, last, spent, orders;
    } buyer;
    size_t n = 0, cap = 1024;
    buyer *b = yt_malloc(cap * sizeof *b);
    while (rows_next(r)) {
        if (n == cap) b = yt_realloc(b, (cap *= 2) * sizeof *b);
        b[n++] = (buyer){rows_int(r, 0), rows_int(r, 1), rows_int(r, 2), rows_int(r, 3), rows_int(r, 4)};
    }
    rows_free(r);
    if (db_begin(x->db) != 0) {
        free(b);
        return yt_fail_db(x, "seeding demo data");
    }
    for (size_t i = 0; i < n; i++) {
        char name[64], nick[64], phone[16], unionid[40], birthday[16];
        /* one random draw per statement: C leaves the order of argument evaluation open, the data must not vary */
        int d[11];
        for (int k = 0; k < 11; k++) d[k] = (int)(rnd() % 100000000);
        snprintf(name, sizeof name, "%s%s", surnames[d[0] % 24], given[d[1] % 32]);
        snprintf(nick, sizeof nick, "%s%d", nick_words[d[2] % 16], d[3] % 100);
        snprintf(phone, sizeof phone, "1%d%d%08d", 3 + d[4] % 6, d[5] % 10, d[6]);
        snprintf(unionid, sizeof unionid, "o6_bmjr%08x%08x", (unsigned)d[7], (unsigned)d[6] ^ 0x5a5a5a5au);
        snprintf(birthday, sizeof birthday, "%d-%02d-%02d", 1970 + d[8] % 35, 1 + d[9] % 12, 1 + d[10] % 28);
        int g = pick(nguides);
        int64_t created = b[i].first - (int64_t)(1 + pick(30)) * 86400000LL;
        bool granted = chance(80);
        const char *stage = b[i].orders >= 6 ? "iron_fan" : b[i].orders >= 3 ? "fan" : b[i].orders == 2 ? "repeat_customer" : "customer";
        /* every random draw in its own statement: the order of draws, and so the data, is fixed */
        const char *gender = chance(70) ? "female" : chance(90) ? "male" : "unknown";
        const char *city = cities[pick(10)];
        yt_param p[] = {PT(name), PT(nick), PT(gender), PT(birthday),
                        PT(city), PI(store_ids[guide_store[g]]), PI(guide_ids[g]), PT(stage),
                        PI(b[i].spent / 1000), PT(granted ? "granted" : "unknown"), granted ? PI(created) : PNULL,
                        PT(granted ? "wecom_add" : NULL), PI(created), PI(b[i].last), PI(b[i].id)};
        if (db_exec(x->db,
                    "UPDATE customers SET name = ?, nickname = ?, gender = ?, birthday = ?, city = ?, store_id = ?,"
                    " owner_id = ?, lifecycle = ?, points = ?, consent = ?, consent_at = ?, consent_source = ?,"
                    " created_at = ?, updated_at = ?, member_level = 0 WHERE id = ?",
                    NPARAMS(p), p) < 0 ||
            identity_add(x, b[i].id, "phone", "phone", "", phone) || identity_add(x, b[i].id, "unionid", "unionid", "", unionid))
            goto fail;
        const char *tags[6];
        int nt = 0;
        if (b[i].spent >= 30000) tags[nt++] = "高价值";
        else if (b[i].orders >= 2) tags[nt++] = "潜力客户";
        if (newest - b[i].last > 300LL * 86400000) tags[nt++] = "沉睡客户";
        if (chance(22)) tags[nt++] = "宝妈";
        if (chance(15)) tags[nt++] = "有宠物";
        if (chance(10)) {
            bool baby = chance(50);
            tags[nt++] = baby ? "0-1岁" : "1-3岁";
        }
        if (chance(12)) tags[nt++] = "美妆";
        if (tag_attach(x, b[i].id, tags, nt)) goto fail;
        if (chance(8)) {
            const char *remark = remarks[pick(6)];
            yt_param q[] = {PI(b[i].id), PT(remark), PI(guide_ids[g]), PI(b[i].last)};
            if (db_exec(x->db, "INSERT INTO remarks(customer_id, kind, body, author_id, created_at) VALUES(?, 'remark', ?, ?, ?)",
                        4, q) < 0)
                goto fail;
        }
        char key[48];
        snprintf(key, sizeof key, "demo:contact:%lld", (long long)b[i].id);
        char props[96];
        snprintf(props, sizeof props, "{\"channel\":\"package_card\",\"guide_id\":%lld}", (long long)guide_ids[g]);
        yt_param e[] = {PI(b[i].id), PI(created), PT(props), PT(key), PI(created)};
        if (db_exec(x->db,
                    "INSERT INTO events(customer_id, type, at, properties, key, created_at) VALUES(?, 'contact_added', ?, ?, ?, ?)"
                    " ON CONFLICT(source_id, key) DO NOTHING",
                    5, e) < 0)
            goto fail;
        if (chance(40)) {
            snprintf(key, sizeof key, "demo:group:%lld", (long long)b[i].id);
            yt_param e2[] = {PI(b[i].id), PI(created + 3600000), PT("{\"group\":\"会员福利群\"}"), PT(key), PI(created)};
            if (db_exec(x->db,
                        "INSERT INTO events(customer_id, type, at, properties, key, created_at) VALUES(?, 'group_joined', ?, ?, ?, ?)"
                        " ON CONFLICT(source_id, key) DO NOTHING",
                        5, e2) < 0)
                goto fail;
        }
        if (customer_index(x, b[i].id)) goto fail;
    }
    {
        /* every order is also an order_paid event on the timeline */
        if (db_exec(x->db,
                    "INSERT INTO events(customer_id, type, at, properties, key, created_at)"
                    " SELECT customer_id, 'order_paid', ordered_at, '{\"amount_fen\":' || amount_fen || ',\"quantity\":' ||"
                    " quantity || ',\"platform\":\"' || platform || '\"}', 'order:' || platform || ':' || id, ordered_at"
                    " FROM orders WHERE 1 = 1 ON CONFLICT(source_id, key) DO NOTHING",
                    0, NULL) < 0)
            goto fail;
    }
    free(b);
    if (db_commit(x->db) != 0) return yt_fail_db(x, "seeding demo data");
    return YT_OK;
fail:
    free(b);
    return fail_db(x);
}
