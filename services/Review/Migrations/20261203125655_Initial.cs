using System;
using Commerce.ServiceDefaults.Audit;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Commerce.Review.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "review");

            migrationBuilder.CreateTable(
                name: "audit_records",
                schema: "review",
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
                name: "customers",
                schema: "review",
                columns: table => new
                {
                    customer_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    deleted = table.Column<bool>(type: "boolean", nullable: false),
                    source_version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_customers", x => x.customer_id);
                });

            migrationBuilder.CreateTable(
                name: "inbox_aggregate_versions",
                schema: "review",
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
                schema: "review",
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
                schema: "review",
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
                name: "product_ratings",
                schema: "review",
                columns: table => new
                {
                    product_id = table.Column<Guid>(type: "uuid", nullable: false),
                    review_count = table.Column<int>(type: "integer", nullable: false),
                    star_sum = table.Column<int>(type: "integer", nullable: false),
                    stars = table.Column<int[]>(type: "integer[]", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_product_ratings", x => x.product_id);
                    table.CheckConstraint("ck_product_ratings_stars", "cardinality(stars) = 5");
                });

            migrationBuilder.CreateTable(
                name: "products",
                schema: "review",
                columns: table => new
                {
                    product_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    seller_id = table.Column<Guid>(type: "uuid", nullable: true),
                    source_version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_products", x => x.product_id);
                });

            migrationBuilder.CreateTable(
                name: "purchases",
                schema: "review",
                columns: table => new
                {
                    order_id = table.Column<Guid>(type: "uuid", nullable: false),
                    customer_id = table.Column<Guid>(type: "uuid", nullable: false),
                    delivered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    cancelled = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_purchases", x => x.order_id);
                });

            migrationBuilder.CreateTable(
                name: "reviews",
                schema: "review",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    product_id = table.Column<Guid>(type: "uuid", nullable: false),
                    product_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    customer_id = table.Column<Guid>(type: "uuid", nullable: false),
                    order_id = table.Column<Guid>(type: "uuid", nullable: false),
                    author_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    rating = table.Column<int>(type: "integer", nullable: false),
                    title = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    text = table.Column<string>(type: "character varying(5000)", maxLength: 5000, nullable: false),
                    image_urls = table.Column<List<string>>(type: "text[]", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    rejection_reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    submitted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    moderated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_reviews", x => x.id);
                    table.CheckConstraint("ck_reviews_rating", "rating BETWEEN 1 AND 5");
                });

            migrationBuilder.CreateTable(
                name: "sellers",
                schema: "review",
                columns: table => new
                {
                    seller_id = table.Column<Guid>(type: "uuid", nullable: false),
                    display_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    source_version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sellers", x => x.seller_id);
                });

            migrationBuilder.CreateTable(
                name: "outbox_deliveries",
                schema: "review",
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
                        principalSchema: "review",
                        principalTable: "outbox_messages",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "purchase_lines",
                schema: "review",
                columns: table => new
                {
                    order_id = table.Column<Guid>(type: "uuid", nullable: false),
                    product_id = table.Column<Guid>(type: "uuid", nullable: false),
                    product_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_purchase_lines", x => new { x.order_id, x.product_id });
                    table.ForeignKey(
                        name: "fk_purchase_lines_purchases_order_id",
                        column: x => x.order_id,
                        principalSchema: "review",
                        principalTable: "purchases",
                        principalColumn: "order_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "review_replies",
                schema: "review",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    review_id = table.Column<Guid>(type: "uuid", nullable: false),
                    author = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    author_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    text = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    replied_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_review_replies", x => x.id);
                    table.ForeignKey(
                        name: "fk_review_replies_reviews_review_id",
                        column: x => x.review_id,
                        principalSchema: "review",
                        principalTable: "reviews",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_audit_records_recorded_at",
                schema: "review",
                table: "audit_records",
                column: "recorded_at");

            migrationBuilder.CreateIndex(
                name: "ix_inbox_events_processed_at",
                schema: "review",
                table: "inbox_events",
                column: "processed_at");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_deliveries_due",
                schema: "review",
                table: "outbox_deliveries",
                column: "next_attempt_at",
                filter: "status = 0");

            migrationBuilder.CreateIndex(
                name: "ux_outbox_deliveries_message_subscriber",
                schema: "review",
                table: "outbox_deliveries",
                columns: new[] { "message_id", "subscriber" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_fanned_out",
                schema: "review",
                table: "outbox_messages",
                column: "occurred_at",
                filter: "fanned_out = true");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_not_fanned_out",
                schema: "review",
                table: "outbox_messages",
                column: "occurred_at",
                filter: "fanned_out = false");

            migrationBuilder.CreateIndex(
                name: "ix_review_replies_review_id",
                schema: "review",
                table: "review_replies",
                column: "review_id");

            migrationBuilder.CreateIndex(
                name: "ix_reviews_customer_id_submitted_at",
                schema: "review",
                table: "reviews",
                columns: new[] { "customer_id", "submitted_at" });

            migrationBuilder.CreateIndex(
                name: "ix_reviews_order_id_product_id",
                schema: "review",
                table: "reviews",
                columns: new[] { "order_id", "product_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_reviews_product_id_status_submitted_at",
                schema: "review",
                table: "reviews",
                columns: new[] { "product_id", "status", "submitted_at" });

            migrationBuilder.CreateIndex(
                name: "ix_reviews_status_submitted_at",
                schema: "review",
                table: "reviews",
                columns: new[] { "status", "submitted_at" });

            migrationBuilder.CreateAuditAppendOnlyGuard("review");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropAuditAppendOnlyGuard("review");

            migrationBuilder.DropTable(
                name: "audit_records",
                schema: "review");

            migrationBuilder.DropTable(
                name: "customers",
                schema: "review");

            migrationBuilder.DropTable(
                name: "inbox_aggregate_versions",
                schema: "review");

            migrationBuilder.DropTable(
                name: "inbox_events",
                schema: "review");

            migrationBuilder.DropTable(
                name: "outbox_deliveries",
                schema: "review");

            migrationBuilder.DropTable(
                name: "product_ratings",
                schema: "review");

            migrationBuilder.DropTable(
                name: "products",
                schema: "review");

            migrationBuilder.DropTable(
                name: "purchase_lines",
                schema: "review");

            migrationBuilder.DropTable(
                name: "review_replies",
                schema: "review");

            migrationBuilder.DropTable(
                name: "sellers",
                schema: "review");

            migrationBuilder.DropTable(
                name: "outbox_messages",
                schema: "review");

            migrationBuilder.DropTable(
                name: "purchases",
                schema: "review");

            migrationBuilder.DropTable(
                name: "reviews",
                schema: "review");
        }
    }
}
