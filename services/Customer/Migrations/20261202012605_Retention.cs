using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Commerce.Customer.Migrations
{
    /// <inheritdoc />
    public partial class Retention : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_fanned_out",
                schema: "customer",
                table: "outbox_messages",
                column: "occurred_at",
                filter: "fanned_out = true");

            migrationBuilder.CreateIndex(
                name: "ix_inbox_events_processed_at",
                schema: "customer",
                table: "inbox_events",
                column: "processed_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_outbox_messages_fanned_out",
                schema: "customer",
                table: "outbox_messages");

            migrationBuilder.DropIndex(
                name: "ix_inbox_events_processed_at",
                schema: "customer",
                table: "inbox_events");
        }
    }
}
