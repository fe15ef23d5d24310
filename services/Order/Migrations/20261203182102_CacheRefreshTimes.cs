using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Commerce.Order.Migrations
{
    /// <inheritdoc />
    public partial class CacheRefreshTimes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "refreshed_at",
                schema: "order",
                table: "shipment_cache",
                type: "timestamp with time zone",
                nullable: false,
                defaultValueSql: "now()");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "refreshed_at",
                schema: "order",
                table: "reservation_cache",
                type: "timestamp with time zone",
                nullable: false,
                defaultValueSql: "now()");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "refreshed_at",
                schema: "order",
                table: "product_cache",
                type: "timestamp with time zone",
                nullable: false,
                defaultValueSql: "now()");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "refreshed_at",
                schema: "order",
                table: "payment_cache",
                type: "timestamp with time zone",
                nullable: false,
                defaultValueSql: "now()");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "refreshed_at",
                schema: "order",
                table: "customer_cache",
                type: "timestamp with time zone",
                nullable: false,
                defaultValueSql: "now()");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "refreshed_at",
                schema: "order",
                table: "coupon_use_cache",
                type: "timestamp with time zone",
                nullable: false,
                defaultValueSql: "now()");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "refreshed_at",
                schema: "order",
                table: "campaign_cache",
                type: "timestamp with time zone",
                nullable: false,
                defaultValueSql: "now()");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "refreshed_at",
                schema: "order",
                table: "address_cache",
                type: "timestamp with time zone",
                nullable: false,
                defaultValueSql: "now()");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "refreshed_at",
                schema: "order",
                table: "shipment_cache");

            migrationBuilder.DropColumn(
                name: "refreshed_at",
                schema: "order",
                table: "reservation_cache");

            migrationBuilder.DropColumn(
                name: "refreshed_at",
                schema: "order",
                table: "product_cache");

            migrationBuilder.DropColumn(
                name: "refreshed_at",
                schema: "order",
                table: "payment_cache");

            migrationBuilder.DropColumn(
                name: "refreshed_at",
                schema: "order",
                table: "customer_cache");

            migrationBuilder.DropColumn(
                name: "refreshed_at",
                schema: "order",
                table: "coupon_use_cache");

            migrationBuilder.DropColumn(
                name: "refreshed_at",
                schema: "order",
                table: "campaign_cache");

            migrationBuilder.DropColumn(
                name: "refreshed_at",
                schema: "order",
                table: "address_cache");
        }
    }
}
