using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Commerce.Order.Migrations
{
    /// <inheritdoc />
    public partial class IdempotencyKeyPerCustomer : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_orders_customer_id",
                schema: "order",
                table: "orders");

            migrationBuilder.DropIndex(
                name: "ix_orders_idempotency_key",
                schema: "order",
                table: "orders");

            migrationBuilder.CreateIndex(
                name: "ix_orders_customer_id_idempotency_key",
                schema: "order",
                table: "orders",
                columns: new[] { "customer_id", "idempotency_key" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_orders_customer_id_idempotency_key",
                schema: "order",
                table: "orders");

            migrationBuilder.CreateIndex(
                name: "ix_orders_customer_id",
                schema: "order",
                table: "orders",
                column: "customer_id");

            migrationBuilder.CreateIndex(
                name: "ix_orders_idempotency_key",
                schema: "order",
                table: "orders",
                column: "idempotency_key",
                unique: true);
        }
    }
}
