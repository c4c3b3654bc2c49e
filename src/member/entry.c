/* Members (a customer signed in with their link token): the module entry, with the member pages' API. */
#include "../module.h"
#include "../api/handlers.h"

#define P(x) PERM_##x

/* ROUTE_MEMBER routes take a member's link token; /member routes take nothing else (a staff token is a 403). */
static const yt_route routes[] = {
    {"POST", "/api/v1/customers/{id}/member-links", h_member_link_create, P(CUSTOMERS_READ) | P(ORDERS_WRITE), ROUTE_JSON,
     "member_link.create", 0},
    {"GET", "/api/v1/member", h_member_get, 0, ROUTE_MEMBER, "member.get", 0},
    {"GET", "/api/v1/member/points", h_member_points, 0, ROUTE_MEMBER, "member.points", 0},
    {"GET", "/api/v1/member/points/ledger", h_member_points_ledger, 0, ROUTE_MEMBER, "member.points_ledger", 0},
    {"GET", "/api/v1/member/checkins", h_member_checkin_month, 0, ROUTE_MEMBER, "member.checkin_month", 0},
    {"POST", "/api/v1/member/checkins", h_member_checkin, 0, ROUTE_MEMBER | ROUTE_JSON, "member.checkin", 0},
    {"GET", "/api/v1/member/orders", h_member_orders, 0, ROUTE_MEMBER, "member.orders", 0},
    {"GET", "/api/v1/member/orders/{id}", h_member_order_get, 0, ROUTE_MEMBER, "member.order_get", 0},
    {"GET", "/api/v1/member/coupons", h_member_coupons, 0, ROUTE_MEMBER, "member.coupons", 0},
    {"GET", "/api/v1/member/after-sales", h_member_after_sales, 0, ROUTE_MEMBER, "member.after_sales", 0},
    {"GET", "/api/v1/member/points-mall/redemptions", h_member_redemptions, 0, ROUTE_MEMBER, "member.redemptions", 0},
    {"POST", "/api/v1/member/coupons", h_member_coupon_claim, 0, ROUTE_MEMBER | ROUTE_JSON, "member.coupon_claim", 0},
    {"GET", "/api/v1/member/products/{id}", h_member_product, 0, ROUTE_MEMBER, "member.product", 0},
    {"GET", "/api/v1/member/flash-sales/{id}", h_member_flash_sale, 0, ROUTE_MEMBER, "member.flash_sale", 0},
};

const yt_module member_module = {
    .name = "member",
    .routes = routes, .nroutes = YT_COUNT(routes),
};
