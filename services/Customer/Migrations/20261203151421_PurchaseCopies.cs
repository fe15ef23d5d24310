using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Commerce.Customer.Migrations
{
    /// <inheritdoc />
    public partial class PurchaseCopies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "coupon_uses",
                schema: "customer",
                columns: table => new
                {
                    redemption_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    customer_id = table.Column<Guid>(type: "uuid", nullable: false),
                    code = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    order_id = table.Column<Guid>(type: "uuid", nullable: false),
                    released = table.Column<bool>(type: "boolean", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    source_version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_coupon_uses", x => x.redemption_id);
                });

            migrationBuilder.CreateTable(
                name: "payment_amounts",
                schema: "customer",
                columns: table => new
                {
                    payment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    customer_id = table.Column<Guid>(type: "uuid", nullable: false),
                    amount = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    currency = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    source_version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payment_amounts", x => new { x.payment_id, x.kind });
                });

            migrationBuilder.CreateTable(
                name: "saved_cards",
                schema: "customer",
                columns: table => new
                {
                    payment_method_id = table.Column<Guid>(type: "uuid", nullable: false),
                    customer_id = table.Column<Guid>(type: "uuid", nullable: false),
                    brand = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    last4 = table.Column<string>(type: "character varying(4)", maxLength: 4, nullable: false),
                    expiry_month = table.Column<int>(type: "integer", nullable: false),
                    expiry_year = table.Column<int>(type: "integer", nullable: false),
                    removed = table.Column<bool>(type: "boolean", nullable: false),
                    source_version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_saved_cards", x => x.payment_method_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_coupon_uses_customer_id",
                schema: "customer",
                table: "coupon_uses",
                column: "customer_id");

            migrationBuilder.CreateIndex(
                name: "ix_payment_amounts_customer_id",
                schema: "customer",
                table: "payment_amounts",
                column: "customer_id");

            migrationBuilder.CreateIndex(
                name: "ix_saved_cards_customer_id",
                schema: "customer",
                table: "saved_cards",
                column: "customer_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "coupon_uses",
                schema: "customer");

            migrationBuilder.DropTable(
                name: "payment_amounts",
                schema: "customer");

            migrationBuilder.DropTable(
                name: "saved_cards",
                schema: "customer");
        }
    }
}
