using Microsoft.EntityFrameworkCore.Migrations;

namespace Commerce.ServiceDefaults.Audit;

/// <summary>
/// What each context's migration adds beside the <c>audit_records</c> table EF Core creates: the rules that make it
/// append-only in the database itself, whoever connects. Applied migrations never run again, so a change to these
/// rules is a new method called by new migrations, never an edit of this one.
/// </summary>
public static class AuditMigrations
{
    /// <summary>
    /// Triggers refusing every UPDATE and TRUNCATE of <c>audit_records</c>, and every DELETE of a row younger than
    /// <see cref="AuditTrail.MinimumRetentionDays"/> (by the database's clock): a bug or a stray statement cannot rewrite
    /// or shorten the trail; only the retention sweeper's deletes of old rows pass. The context's role owns the table
    /// and could drop the triggers: they guard against mistakes, not against that role.
    /// </summary>
    public static void CreateAuditAppendOnlyGuard(this MigrationBuilder migration, string schema)
    {
        ArgumentNullException.ThrowIfNull(migration);
        migration.Sql($$"""
            CREATE FUNCTION "{{schema}}".audit_records_append_only() RETURNS trigger LANGUAGE plpgsql AS $guard$
            BEGIN
                IF TG_OP = 'DELETE' THEN
                    IF OLD.recorded_at < now() - interval '{{AuditTrail.MinimumRetentionDays}} days' THEN
                        RETURN OLD;
                    END IF;
                END IF;
                RAISE EXCEPTION 'audit_records are append-only: % refused (only rows older than {{AuditTrail.MinimumRetentionDays}} days may be deleted)', TG_OP
                    USING ERRCODE = 'restrict_violation';
            END
            $guard$;
            CREATE TRIGGER audit_records_append_only BEFORE UPDATE OR DELETE ON "{{schema}}".audit_records
                FOR EACH ROW EXECUTE FUNCTION "{{schema}}".audit_records_append_only();
            CREATE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON "{{schema}}".audit_records
                FOR EACH STATEMENT EXECUTE FUNCTION "{{schema}}".audit_records_append_only();
            """);
    }

    public static void DropAuditAppendOnlyGuard(this MigrationBuilder migration, string schema)
    {
        ArgumentNullException.ThrowIfNull(migration);
        migration.Sql($"""
            DROP TRIGGER IF EXISTS audit_records_no_truncate ON "{schema}".audit_records;
            DROP TRIGGER IF EXISTS audit_records_append_only ON "{schema}".audit_records;
            DROP FUNCTION IF EXISTS "{schema}".audit_records_append_only();
            """);
    }
}
