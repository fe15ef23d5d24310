using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Commerce.Notification.Migrations
{
    /// <inheritdoc />
    public partial class CacheRefreshTimes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "refreshed_at",
                schema: "notification",
                table: "seller_contacts",
                type: "timestamp with time zone",
                nullable: false,
                defaultValueSql: "now()");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "refreshed_at",
                schema: "notification",
                table: "order_recipients",
                type: "timestamp with time zone",
                nullable: false,
                defaultValueSql: "now()");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "refreshed_at",
                schema: "notification",
                table: "customer_contacts",
                type: "timestamp with time zone",
                nullable: false,
                defaultValueSql: "now()");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "refreshed_at",
                schema: "notification",
                table: "seller_contacts");

            migrationBuilder.DropColumn(
                name: "refreshed_at",
                schema: "notification",
                table: "order_recipients");

            migrationBuilder.DropColumn(
                name: "refreshed_at",
                schema: "notification",
                table: "customer_contacts");
        }
    }
}
