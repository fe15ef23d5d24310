using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace Commerce.Notification.Migrations
{
    /// <inheritdoc />
    public partial class TrackingAndRefundMessages : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "order_recipients",
                schema: "notification",
                columns: table => new
                {
                    order_id = table.Column<Guid>(type: "uuid", nullable: false),
                    customer_id = table.Column<Guid>(type: "uuid", nullable: false),
                    source_version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_order_recipients", x => x.order_id);
                });

            migrationBuilder.InsertData(
                schema: "notification",
                table: "templates",
                columns: new[] { "key", "body", "subject", "version" },
                values: new object[,]
                {
                    { "payment-refunded", "Hi {{customerName}}, we refunded {{amount}} {{currency}} for order {{orderId}}; it is on its way to your card.", "Refund for order {{orderId}}", 1 },
                    { "shipment-tracking", "Hi {{customerName}}, your parcel {{trackingNumber}} for order {{orderId}} is {{status}} (last seen: {{location}}).", "Order {{orderId}}: parcel {{status}}", 1 }
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "order_recipients",
                schema: "notification");

            migrationBuilder.DeleteData(
                schema: "notification",
                table: "templates",
                keyColumn: "key",
                keyValue: "payment-refunded");

            migrationBuilder.DeleteData(
                schema: "notification",
                table: "templates",
                keyColumn: "key",
                keyValue: "shipment-tracking");
        }
    }
}
