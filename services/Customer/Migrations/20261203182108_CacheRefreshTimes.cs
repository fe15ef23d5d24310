using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Commerce.Customer.Migrations
{
    /// <inheritdoc />
    public partial class CacheRefreshTimes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "refreshed_at",
                schema: "customer",
                table: "seller_accounts",
                type: "timestamp with time zone",
                nullable: false,
                defaultValueSql: "now()");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "refreshed_at",
                schema: "customer",
                table: "saved_cards",
                type: "timestamp with time zone",
                nullable: false,
                defaultValueSql: "now()");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "refreshed_at",
                schema: "customer",
                table: "payment_amounts",
                type: "timestamp with time zone",
                nullable: false,
                defaultValueSql: "now()");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "refreshed_at",
                schema: "customer",
                table: "coupon_uses",
                type: "timestamp with time zone",
                nullable: false,
                defaultValueSql: "now()");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "refreshed_at",
                schema: "customer",
                table: "seller_accounts");

            migrationBuilder.DropColumn(
                name: "refreshed_at",
                schema: "customer",
                table: "saved_cards");

            migrationBuilder.DropColumn(
                name: "refreshed_at",
                schema: "customer",
                table: "payment_amounts");

            migrationBuilder.DropColumn(
                name: "refreshed_at",
                schema: "customer",
                table: "coupon_uses");
        }
    }
}
