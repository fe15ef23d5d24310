using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Commerce.Shipping.Migrations
{
    /// <inheritdoc />
    public partial class AcceptedWebhookSignatures : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "accepted_webhook_signatures",
                schema: "shipping",
                columns: table => new
                {
                    signature = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    signed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    accepted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_accepted_webhook_signatures", x => x.signature);
                });

            migrationBuilder.CreateIndex(
                name: "ix_accepted_webhook_signatures_signed_at",
                schema: "shipping",
                table: "accepted_webhook_signatures",
                column: "signed_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "accepted_webhook_signatures",
                schema: "shipping");
        }
    }
}
