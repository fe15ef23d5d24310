using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace Commerce.Notification.Migrations
{
    /// <inheritdoc />
    public partial class SellerContactsAndTemplates : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "seller_contacts",
                schema: "notification",
                columns: table => new
                {
                    seller_id = table.Column<Guid>(type: "uuid", nullable: false),
                    account_id = table.Column<Guid>(type: "uuid", nullable: false),
                    display_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    contact_email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    source_version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_seller_contacts", x => x.seller_id);
                });

            migrationBuilder.InsertData(
                schema: "notification",
                table: "templates",
                columns: new[] { "key", "body", "subject", "version" },
                values: new object[,]
                {
                    { "review-rejected", "Hi {{customerName}}, your review of {{productName}} was not published: {{reason}}.", "Your review of {{productName}}", 1 },
                    { "seller-low-stock", "Hi {{sellerName}}, {{productName}} ({{sku}}) is down to {{available}} in {{warehouse}} (reorder point {{reorderPoint}}).", "Low stock: {{productName}} ({{sku}})", 1 }
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "seller_contacts",
                schema: "notification");

            migrationBuilder.DeleteData(
                schema: "notification",
                table: "templates",
                keyColumn: "key",
                keyValue: "review-rejected");

            migrationBuilder.DeleteData(
                schema: "notification",
                table: "templates",
                keyColumn: "key",
                keyValue: "seller-low-stock");
        }
    }
}
