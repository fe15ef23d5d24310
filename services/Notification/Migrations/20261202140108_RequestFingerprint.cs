using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Commerce.Notification.Migrations
{
    /// <inheritdoc />
    public partial class RequestFingerprint : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "request_fingerprint",
                schema: "notification",
                table: "notifications",
                type: "character(64)",
                fixedLength: true,
                maxLength: 64,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "request_fingerprint",
                schema: "notification",
                table: "notifications");
        }
    }
}
