using System.Net;
using Npgsql;
using Payments.Ingress.Hosting;
using Payments.Ingress.Tests.Support;
using Payments.Pipeline.Storage.Embedded;
using Payments.Testing;

namespace Payments.Ingress.Tests.Security;

/// <summary>
/// Compose's database roles (deploy/postgres/init/roles.pgsql), made on the real cluster: the
/// service runs whole as the app role (migrations as the owner), and the app role cannot switch
/// off or get around the ledger's append-only triggers. Role names get a suffix here, since roles
/// belong to the whole cluster and other runs share it.
/// </summary>
public sealed class DatabaseRoleKeyTests : IAsyncLifetime
{
    private readonly string _database = $"test_roles_{Guid.NewGuid():N}";
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private readonly string _ownerPassword = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
    private readonly string _appPassword = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
    private EmbeddedPostgres? _cluster;

    private string Owner => $"payments_owner_{_suffix}";

    private string App => $"payments_app_{_suffix}";

    public async Task InitializeAsync()
    {
        _cluster = await TestCluster.GetAsync();
        await _cluster.EnsureDatabaseAsync(_database);
        var script = (await File.ReadAllTextAsync(Path.Combine(TestCluster.RepositoryRoot(), "deploy", "postgres", "init", "roles.pgsql")))
            .Replace("payments_owner", Owner, StringComparison.Ordinal)
            .Replace("payments_app", App, StringComparison.Ordinal);

        // As 10-roles.sh does: the passwords as session settings, then the script, as the superuser.
        await using var connection = new NpgsqlConnection(_cluster.ConnectionString(_database));
        await connection.OpenAsync();
        await using (var settings = new NpgsqlCommand("SELECT set_config('payments.owner_password', $1, false), set_config('payments.app_password', $2, false)", connection))
        {
            settings.Parameters.AddWithValue(_ownerPassword);
            settings.Parameters.AddWithValue(_appPassword);
            await settings.ExecuteNonQueryAsync();
        }

        await using var roles = new NpgsqlCommand(script, connection);
        await roles.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_cluster!.ConnectionString("postgres"));
        await connection.OpenAsync();
        await using (var slots = new NpgsqlCommand("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = $1 AND NOT active", connection))
        {
            slots.Parameters.AddWithValue(_database);
            await slots.ExecuteNonQueryAsync();
        }

        await using (var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", connection))
        {
            await drop.ExecuteNonQueryAsync();
        }

        await using var dropRoles = new NpgsqlCommand($"DROP ROLE IF EXISTS \"{App}\"; DROP ROLE IF EXISTS \"{Owner}\"", connection);
        await dropRoles.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Script_without_passwords_creates_nothing()
    {
        var script = await File.ReadAllTextAsync(Path.Combine(TestCluster.RepositoryRoot(), "deploy", "postgres", "init", "roles.pgsql"));
        await using var connection = new NpgsqlConnection(_cluster!.ConnectionString(_database));
        await connection.OpenAsync();
        await using var roles = new NpgsqlCommand(script.Replace("payments_", $"payments_none_{_suffix}_", StringComparison.Ordinal), connection);

        var refused = await Assert.ThrowsAsync<PostgresException>(() => roles.ExecuteNonQueryAsync());

        Assert.Contains("PAYMENTS_APP_PASSWORD", refused.MessageText, StringComparison.Ordinal);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM pg_roles WHERE rolname LIKE $1", connection);
        count.Parameters.AddWithValue($"payments_none_{_suffix}_%");
        Assert.Equal(0L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Service_runs_as_the_app_role_which_cannot_get_around_the_ledger_triggers()
    {
        // The service, as compose runs it: migrations as the owner, everything else as the app.
        var app = PaymentsHost.Build(PaymentsHost.CreateBuilder([], new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["ConnectionStrings:Payments"] = ConnectionString(App, _appPassword),
            ["ConnectionStrings:Migrations"] = ConnectionString(Owner, _ownerPassword),
            ["Outbox:SlotName"] = _database,
            ["Psp:BaseUrl"] = "http://127.0.0.1:9",
            ["Psp:ApiKey"] = "sk_test_sim",
            ["Psp:WebhookSecret"] = ServiceFixture.WebhookSecret,
            ["Operator:ApiKey"] = ServiceFixture.OperatorKey,
            ["Secrets:ActiveKeyId"] = ServiceFixture.SealingKeySettings["Secrets:ActiveKeyId"],
            ["Secrets:SealingKeys:test"] = ServiceFixture.SealingKeySettings["Secrets:SealingKeys:test"],
            ["DemoMerchant:Enabled"] = "true",
            ["DemoMerchant:ApiKey"] = ServiceFixture.MerchantKey,
            ["Logging:LogLevel:Default"] = "None",
        }));
        await app.StartAsync();
        try
        {
            using var merchant = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            merchant.DefaultRequestHeaders.Authorization = new("Bearer", ServiceFixture.MerchantKey);
            using var charge = await ServiceFixture.PostChargeAsync(merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(700), respondAsync: true);
            Assert.Equal(HttpStatusCode.Accepted, charge.StatusCode);

            // The outbox reached the feed: the publication, the slot and the stream work as the app.
            await Poll.UntilAsync(
                async () => (await ServiceFixture.ReadObjectAsync(await merchant.GetAsync("/v1/events")))["data"]!.AsArray().Count > 0,
                "the events feed stays empty under the app role");
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        await using var connection = new NpgsqlConnection(ConnectionString(App, _appPassword));
        await connection.OpenAsync();
        Assert.Equal(false, await ScalarAsync(connection, "SELECT rolsuper OR rolbypassrls OR rolcreaterole FROM pg_roles WHERE rolname = current_user"));
        Assert.Equal(Owner, await ScalarAsync(connection, "SELECT tableowner FROM pg_tables WHERE tablename = 'ledger_entries'"));

        var journal = await PostJournalAsync(connection);
        foreach (var sql in new[]
        {
            "ALTER TABLE ledger_entries DISABLE TRIGGER ALL",
            "ALTER TABLE ledger_journals DISABLE TRIGGER ledger_journals_append_only",
            "DROP TRIGGER ledger_entries_append_only ON ledger_entries",
            "TRUNCATE ledger_entries",
            "SET session_replication_role = replica",
        })
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(connection, sql));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        }

        foreach (var sql in new[]
        {
            $"UPDATE ledger_entries SET amount = amount * 2 WHERE journal_id = {journal}",
            $"DELETE FROM ledger_entries WHERE journal_id = {journal}",
            $"DELETE FROM ledger_journals WHERE id = {journal}",
            "DELETE FROM charge_events",
        })
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(connection, sql));
            Assert.Equal(PostgresErrorCodes.RestrictViolation, refused.SqlState);
        }

        Assert.Equal(2L, await ScalarAsync(connection, $"SELECT count(*) FROM ledger_entries WHERE journal_id = {journal} AND abs(amount) = 1"));
    }

    private string ConnectionString(string user, string password) =>
        new NpgsqlConnectionStringBuilder(_cluster!.ConnectionString(_database)) { Username = user, Password = password }.ConnectionString;

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    private static async Task<long> PostJournalAsync(NpgsqlConnection connection)
    {
        await using var journal = new NpgsqlCommand("""
            WITH journal AS (
                INSERT INTO ledger_journals (reference, description) VALUES ($1, 'role test') RETURNING id)
            INSERT INTO ledger_entries (journal_id, account_id, amount, currency)
            SELECT id, account, amount, 'USD' FROM journal, (VALUES ('psp_receivable', 1), ('platform_fee_revenue', -1)) AS e(account, amount)
            RETURNING journal_id
            """, connection);
        journal.Parameters.AddWithValue($"test:{Guid.NewGuid()}");
        return (long)(await journal.ExecuteScalarAsync())!;
    }
}
