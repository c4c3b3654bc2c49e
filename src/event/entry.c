/* Behaviour events: the module entry. */
#include "../module.h"
#include "../api/handlers.h"

static const customer_keyed keyed[] = {
    {"events", "customer_id", "UPDATE events SET customer_id = ? WHERE customer_id = ?",
     "DELETE FROM events WHERE customer_id = ?", 1, NULL, NULL, NULL},
};

static const yt_perm perms[] = {
    {"events.write", PERM_EVENTS_WRITE, "operator,guide"},
};

#define P(x) PERM_##x

static const yt_route routes[] = {
    {"GET", "/api/v1/customers/{id}/events", h_customer_events, P(CUSTOMERS_READ), 0, "event.list", 0},
    /* ROUTE_READER: the handler validates a batch without the writer and takes it only to store */
    {"POST", "/api/v1/events", h_events_ingest, P(EVENTS_WRITE), ROUTE_JSON | ROUTE_READER, "event.ingest", API_EVENTS_LIMIT},
};

const yt_module event_module = {
    .name = "event",
    .keyed = keyed, .nkeyed = YT_COUNT(keyed),
    .perms = perms, .nperms = YT_COUNT(perms),
    .routes = routes, .nroutes = YT_COUNT(routes),
};
