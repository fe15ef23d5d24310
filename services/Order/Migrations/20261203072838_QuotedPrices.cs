using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Commerce.Order.Migrations
{
    /// <inheritdoc />
    public partial class QuotedPrices : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "coupon_code",
                schema: "order",
                table: "orders",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<decimal>(
                name: "order_discount",
                schema: "order",
                table: "orders",
                type: "numeric(18,2)",
                precision: 18,
                scale: 2,
                nullable: false,
                defaultValue: 0m);

            migrationBuilder.AddColumn<string>(
                name: "promotions",
                schema: "order",
                table: "orders",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "quote_id",
                schema: "order",
                table: "orders",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<decimal>(
                name: "discount",
                schema: "order",
                table: "order_items",
                type: "numeric(18,2)",
                precision: 18,
                scale: 2,
                nullable: false,
                defaultValue: 0m);

            // Orders created before quotes applied no promotion: an empty list, as new orders without a quote have.
            migrationBuilder.Sql("""UPDATE "order".orders SET promotions = '[]' WHERE promotions IS NULL;""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "coupon_code",
                schema: "order",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "order_discount",
                schema: "order",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "promotions",
                schema: "order",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "quote_id",
                schema: "order",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "discount",
                schema: "order",
                table: "order_items");
        }
    }
}
