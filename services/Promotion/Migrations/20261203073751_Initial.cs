using System;
using System.Collections.Generic;
using Commerce.ServiceDefaults.Audit;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Commerce.Promotion.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "promotion");

            migrationBuilder.CreateTable(
                name: "audit_records",
                schema: "promotion",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    subject = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    client_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    action = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    method = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    resource = table.Column<string>(type: "jsonb", nullable: false),
                    outcome = table.Column<int>(type: "integer", nullable: false),
                    trace_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_records", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "customer_tiers",
                schema: "promotion",
                columns: table => new
                {
                    customer_id = table.Column<Guid>(type: "uuid", nullable: false),
                    membership = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    source_version = table.Column<int>(type: "integer", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_customer_tiers", x => x.customer_id);
                });

            migrationBuilder.CreateTable(
                name: "inbox_aggregate_versions",
                schema: "promotion",
                columns: table => new
                {
                    source = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    aggregate_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_inbox_aggregate_versions", x => new { x.source, x.aggregate_id });
                });

            migrationBuilder.CreateTable(
                name: "inbox_events",
                schema: "promotion",
                columns: table => new
                {
                    event_id = table.Column<Guid>(type: "uuid", nullable: false),
                    source = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    type = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    outcome = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    processed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_inbox_events", x => x.event_id);
                });

            migrationBuilder.CreateTable(
                name: "outbox_messages",
                schema: "promotion",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    type = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    aggregate_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    aggregate_version = table.Column<int>(type: "integer", nullable: false),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    payload = table.Column<string>(type: "jsonb", nullable: false),
                    trace_parent = table.Column<string>(type: "character varying(55)", maxLength: 55, nullable: true),
                    fanned_out = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_outbox_messages", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "promotions",
                schema: "promotion",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    description = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    value = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    currency = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    scope = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    product_ids = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    categories = table.Column<List<string>>(type: "character varying(100)[]", nullable: false),
                    minimum_membership = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    minimum_order_total = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: true),
                    starts_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ends_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    requires_coupon = table.Column<bool>(type: "boolean", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_promotions", x => x.id);
                    table.CheckConstraint("ck_promotions_value", "value > 0");
                    table.CheckConstraint("ck_promotions_window", "starts_at < ends_at");
                });

            migrationBuilder.CreateTable(
                name: "outbox_deliveries",
                schema: "promotion",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    message_id = table.Column<Guid>(type: "uuid", nullable: false),
                    subscriber = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    status = table.Column<int>(type: "integer", nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    next_attempt_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    delivered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_outbox_deliveries", x => x.id);
                    table.ForeignKey(
                        name: "fk_outbox_deliveries_message",
                        column: x => x.message_id,
                        principalSchema: "promotion",
                        principalTable: "outbox_messages",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "coupons",
                schema: "promotion",
                columns: table => new
                {
                    code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    promotion_id = table.Column<Guid>(type: "uuid", nullable: false),
                    usage_limit = table.Column<int>(type: "integer", nullable: true),
                    per_customer_limit = table.Column<int>(type: "integer", nullable: false),
                    customer_id = table.Column<Guid>(type: "uuid", nullable: true),
                    source_cart_id = table.Column<Guid>(type: "uuid", nullable: true),
                    used = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_coupons", x => x.code);
                    table.CheckConstraint("ck_coupons_per_customer_limit", "per_customer_limit >= 1");
                    table.CheckConstraint("ck_coupons_used", "used >= 0 AND (usage_limit IS NULL OR used <= usage_limit)");
                    table.ForeignKey(
                        name: "fk_coupons_promotions_promotion_id",
                        column: x => x.promotion_id,
                        principalSchema: "promotion",
                        principalTable: "promotions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "redemptions",
                schema: "promotion",
                columns: table => new
                {
                    key = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    promotion_id = table.Column<Guid>(type: "uuid", nullable: false),
                    customer_id = table.Column<Guid>(type: "uuid", nullable: false),
                    order_id = table.Column<Guid>(type: "uuid", nullable: false),
                    discount = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    currency = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    claimed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    released_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_redemptions", x => x.key);
                    table.ForeignKey(
                        name: "fk_redemptions_coupons_code",
                        column: x => x.code,
                        principalSchema: "promotion",
                        principalTable: "coupons",
                        principalColumn: "code",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_audit_records_recorded_at",
                schema: "promotion",
                table: "audit_records",
                column: "recorded_at");

            migrationBuilder.CreateIndex(
                name: "ix_coupons_promotion_id",
                schema: "promotion",
                table: "coupons",
                column: "promotion_id");

            migrationBuilder.CreateIndex(
                name: "ix_coupons_source_cart_id",
                schema: "promotion",
                table: "coupons",
                column: "source_cart_id",
                unique: true,
                filter: "source_cart_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_inbox_events_processed_at",
                schema: "promotion",
                table: "inbox_events",
                column: "processed_at");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_deliveries_due",
                schema: "promotion",
                table: "outbox_deliveries",
                column: "next_attempt_at",
                filter: "status = 0");

            migrationBuilder.CreateIndex(
                name: "ux_outbox_deliveries_message_subscriber",
                schema: "promotion",
                table: "outbox_deliveries",
                columns: new[] { "message_id", "subscriber" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_fanned_out",
                schema: "promotion",
                table: "outbox_messages",
                column: "occurred_at",
                filter: "fanned_out = true");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_not_fanned_out",
                schema: "promotion",
                table: "outbox_messages",
                column: "occurred_at",
                filter: "fanned_out = false");

            migrationBuilder.CreateIndex(
                name: "ix_promotions_created_at",
                schema: "promotion",
                table: "promotions",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ix_promotions_status_ends_at",
                schema: "promotion",
                table: "promotions",
                columns: new[] { "status", "ends_at" });

            migrationBuilder.CreateIndex(
                name: "ix_promotions_status_starts_at",
                schema: "promotion",
                table: "promotions",
                columns: new[] { "status", "starts_at" });

            migrationBuilder.CreateIndex(
                name: "ix_redemptions_code_customer_id",
                schema: "promotion",
                table: "redemptions",
                columns: new[] { "code", "customer_id" },
                filter: "status = 'Claimed'");

            migrationBuilder.CreateAuditAppendOnlyGuard("promotion");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "audit_records",
                schema: "promotion");

            migrationBuilder.DropTable(
                name: "customer_tiers",
                schema: "promotion");

            migrationBuilder.DropTable(
                name: "inbox_aggregate_versions",
                schema: "promotion");

            migrationBuilder.DropTable(
                name: "inbox_events",
                schema: "promotion");

            migrationBuilder.DropTable(
                name: "outbox_deliveries",
                schema: "promotion");

            migrationBuilder.DropTable(
                name: "redemptions",
                schema: "promotion");

            migrationBuilder.DropTable(
                name: "outbox_messages",
                schema: "promotion");

            migrationBuilder.DropTable(
                name: "coupons",
                schema: "promotion");

            migrationBuilder.DropTable(
                name: "promotions",
                schema: "promotion");
        }
    }
}
