/* Every route handler, declared once for the route table. */
#ifndef YT_HANDLERS_H
#define YT_HANDLERS_H
#include "api.h"

void h_healthz(yt_req *r);
void h_readyz(yt_req *r);
void h_metrics(yt_req *r);

void h_login(yt_req *r);
void h_logout(yt_req *r);
void h_me(yt_req *r);
void h_token_create(yt_req *r);
void h_token_list(yt_req *r);
void h_token_revoke(yt_req *r);
void h_staff_tokens(yt_req *r);

void h_staff_list(yt_req *r);
void h_staff_create(yt_req *r);
void h_staff_get(yt_req *r);
void h_staff_update(yt_req *r);
void h_shop_list(yt_req *r);
void h_shop_create(yt_req *r);

void h_customer_list(yt_req *r);
void h_customer_create(yt_req *r);
void h_customer_get(yt_req *r);
void h_customer_update(yt_req *r);
void h_customer_identity_add(yt_req *r);
void h_customer_merge(yt_req *r);
void h_customer_tags_add(yt_req *r);
void h_customer_tag_remove(yt_req *r);
void h_customer_bulk_tags(yt_req *r);
void h_customer_bulk_transfer(yt_req *r);
void h_customer_remarks(yt_req *r);
void h_customer_remark_add(yt_req *r);
void h_customer_orders(yt_req *r);
void h_customer_export(yt_req *r);
void h_customer_erase(yt_req *r);
void h_customer_events(yt_req *r);

void h_tag_list(yt_req *r);
void h_tag_create(yt_req *r);
void h_tag_update(yt_req *r);
void h_tag_delete(yt_req *r);
void h_tag_group_list(yt_req *r);
void h_tag_group_create(yt_req *r);
void h_tag_group_update(yt_req *r);
void h_tag_group_delete(yt_req *r);

void h_events_ingest(yt_req *r);

void h_import_orders(yt_req *r);
void h_import_customers(yt_req *r);
void h_export_customers(yt_req *r);

void h_audit_list(yt_req *r);
void h_stats_overview(yt_req *r);

void h_segment_preview(yt_req *r);
void h_segment_list(yt_req *r);
void h_segment_create(yt_req *r);
void h_segment_get(yt_req *r);
void h_segment_update(yt_req *r);
void h_segment_delete(yt_req *r);
void h_segment_members(yt_req *r);
void h_segment_export(yt_req *r);
/* commerce */
void h_product_list(yt_req *r);
void h_product_create(yt_req *r);
void h_product_get(yt_req *r);
void h_product_update(yt_req *r);
void h_sku_stock(yt_req *r);
void h_sku_moves(yt_req *r);
void h_flash_sale_list(yt_req *r);
void h_flash_sale_create(yt_req *r);
void h_flash_sale_get(yt_req *r);
void h_flash_sale_stats(yt_req *r);
void h_flash_order(yt_req *r);
void h_mall_order_list(yt_req *r);
void h_mall_order_get(yt_req *r);
void h_payment_sandbox_notify(yt_req *r);
void h_mall_order_create(yt_req *r);
void h_mall_order_cancel(yt_req *r);
void h_mall_order_ship(yt_req *r);
void h_mall_order_complete(yt_req *r);
void h_mall_order_refund(yt_req *r);
void h_mall_order_refunds(yt_req *r);
void h_after_sale_list(yt_req *r);
void h_after_sale_open(yt_req *r);
void h_after_sale_resolve(yt_req *r);
void h_member_after_sales(yt_req *r);
void h_coupon_list(yt_req *r);
void h_coupon_create(yt_req *r);
void h_coupon_get(yt_req *r);
void h_coupon_stats(yt_req *r);
void h_coupon_stop(yt_req *r);
void h_coupon_grant(yt_req *r);
void h_customer_coupons(yt_req *r);
/* loyalty */
void h_loyalty_settings_get(yt_req *r);
void h_loyalty_settings_put(yt_req *r);
void h_points_get(yt_req *r);
void h_points_change(yt_req *r);
void h_points_ledger(yt_req *r);
void h_checkin_month(yt_req *r);
void h_member_levels_get(yt_req *r);
void h_member_levels_put(yt_req *r);
void h_points_mall_list(yt_req *r);
void h_points_mall_create(yt_req *r);
void h_points_mall_update(yt_req *r);
void h_points_mall_redeem(yt_req *r);
void h_points_mall_redemptions(yt_req *r);
void h_member_redemptions(yt_req *r);
/* members and their pages */
void h_member_link_create(yt_req *r);
void h_member_get(yt_req *r);
void h_member_points(yt_req *r);
void h_member_points_ledger(yt_req *r);
void h_member_checkin_month(yt_req *r);
void h_member_checkin(yt_req *r);
void h_member_orders(yt_req *r);
void h_member_order_get(yt_req *r);
void h_member_coupons(yt_req *r);
void h_member_coupon_claim(yt_req *r);
/* marketing: lotteries and red packets */
void h_lottery_list(yt_req *r);
void h_lottery_create(yt_req *r);
void h_lottery_get(yt_req *r);
void h_lottery_stats(yt_req *r);
void h_lottery_stop(yt_req *r);
void h_lottery_draws(yt_req *r);
void h_red_packet_list(yt_req *r);
void h_red_packet_create(yt_req *r);
void h_red_packet_get(yt_req *r);
void h_red_packet_stats(yt_req *r);
void h_red_packet_claims(yt_req *r);
void h_member_lottery(yt_req *r);
void h_member_lottery_draw(yt_req *r);
void h_member_red_packet(yt_req *r);
void h_member_red_packet_claim(yt_req *r);
/* group buys */
void h_group_buy_list(yt_req *r);
void h_group_buy_create(yt_req *r);
void h_group_buy_get(yt_req *r);
void h_group_buy_stop(yt_req *r);
void h_group_buy_teams(yt_req *r);
void h_member_group_buy(yt_req *r);
void h_member_group_team_open(yt_req *r);
void h_member_group_team(yt_req *r);
void h_member_group_team_join(yt_req *r);
/* distribution: distributors, bindings, commissions, withdrawals */
void h_distribution_settings_get(yt_req *r);
void h_distribution_settings_put(yt_req *r);
void h_distributor_list(yt_req *r);
void h_distributor_get(yt_req *r);
void h_distributor_approve(yt_req *r);
void h_distributor_reject(yt_req *r);
void h_distributor_disable(yt_req *r);
void h_distributor_members(yt_req *r);
void h_commission_list(yt_req *r);
void h_withdrawal_list(yt_req *r);
void h_withdrawal_approve(yt_req *r);
void h_withdrawal_reject(yt_req *r);
void h_distribution_leaderboard(yt_req *r);
void h_member_distribution(yt_req *r);
void h_member_distribution_apply(yt_req *r);
void h_member_distribution_bind(yt_req *r);
void h_member_commissions(yt_req *r);
void h_member_withdrawals(yt_req *r);
void h_member_withdraw(yt_req *r);
void h_member_leaderboard(yt_req *r);
void h_member_product(yt_req *r);
void h_member_flash_sale(yt_req *r);
void h_payment_wechatpay_notify(yt_req *r);
void h_segment_attributes(yt_req *r);
void h_segment_actions(yt_req *r);
void h_tag_rule_list(yt_req *r);
void h_tag_rule_create(yt_req *r);
void h_tag_rule_get(yt_req *r);
void h_tag_rule_update(yt_req *r);
void h_tag_rule_delete(yt_req *r);
void h_tag_rule_history(yt_req *r);
void h_lifecycle_report(yt_req *r);
void h_lifecycle_rules(yt_req *r);
void h_lifecycle_rules_put(yt_req *r);
void h_audience_rfm(yt_req *r);
void h_audience_clv(yt_req *r);
void h_audience_clv_fit(yt_req *r);
void h_customer_audience(yt_req *r);
void h_audience_payback(yt_req *r);

#endif
