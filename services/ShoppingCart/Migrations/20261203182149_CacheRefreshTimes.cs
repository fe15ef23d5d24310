using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Commerce.ShoppingCart.Migrations
{
    /// <inheritdoc />
    public partial class CacheRefreshTimes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "refreshed_at",
                schema: "shoppingcart",
                table: "promotions",
                type: "timestamp with time zone",
                nullable: false,
                defaultValueSql: "now()");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "refreshed_at",
                schema: "shoppingcart",
                table: "products",
                type: "timestamp with time zone",
                nullable: false,
                defaultValueSql: "now()");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "refreshed_at",
                schema: "shoppingcart",
                table: "customers",
                type: "timestamp with time zone",
                nullable: false,
                defaultValueSql: "now()");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "refreshed_at",
                schema: "shoppingcart",
                table: "promotions");

            migrationBuilder.DropColumn(
                name: "refreshed_at",
                schema: "shoppingcart",
                table: "products");

            migrationBuilder.DropColumn(
                name: "refreshed_at",
                schema: "shoppingcart",
                table: "customers");
        }
    }
}
