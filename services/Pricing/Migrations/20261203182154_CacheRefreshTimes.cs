using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Commerce.Pricing.Migrations
{
    /// <inheritdoc />
    public partial class CacheRefreshTimes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "refreshed_at",
                schema: "pricing",
                table: "promotions",
                type: "timestamp with time zone",
                nullable: false,
                defaultValueSql: "now()");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "refreshed_at",
                schema: "pricing",
                table: "customer_memberships",
                type: "timestamp with time zone",
                nullable: false,
                defaultValueSql: "now()");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "refreshed_at",
                schema: "pricing",
                table: "cached_products",
                type: "timestamp with time zone",
                nullable: false,
                defaultValueSql: "now()");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "refreshed_at",
                schema: "pricing",
                table: "promotions");

            migrationBuilder.DropColumn(
                name: "refreshed_at",
                schema: "pricing",
                table: "customer_memberships");

            migrationBuilder.DropColumn(
                name: "refreshed_at",
                schema: "pricing",
                table: "cached_products");
        }
    }
}
