/* The segment language's JSON form (what the console builder writes), parsed into the same tree as the text,
 * and the request helpers the audience handlers share. */
#ifndef YT_SEGMENT_JSON_H
#define YT_SEGMENT_JSON_H
#include "../audience/segment.h"
#include <cjson/cJSON.h>

/* NULL with *err filled (pos = -1, path naming where, e.g. "and[2].value") on an error. */
seg_node *seg_parse_json(const cJSON *json, yt_arena *a, seg_error *err);

/* Reads the request body's "query" (segment text, or the JSON form as an object) into a tree, and the text
 * to keep: as written, or the JSON form written as text. False with a 400, 413 or 422 answered. */
typedef struct yt_req yt_req;
bool api_segment_query(yt_req *r, bool required, seg_node **node, const char **text);
/* Brings the audience index up to date before a read (segments, reports, rules); false with a 503 answered
 * when the store cannot be read. */
bool api_audience_synced(yt_req *r);

#endif
