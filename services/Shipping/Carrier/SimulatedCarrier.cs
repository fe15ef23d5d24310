using System.Collections.Frozen;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Commerce.Shipping.Contracts;
using OpenTelemetry;

namespace Commerce.Shipping.Carrier;

public sealed class SimulatedCarrierOptions
{
    /// <summary>After a label is created, the parcel is reported in transit after this delay...</summary>
    public TimeSpan InTransitAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>...and delivered this long after that.</summary>
    public TimeSpan DeliveredAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>False leaves progress to explicit webhook calls (tests that drive the carrier by hand).</summary>
    public bool AutoAdvance { get; set; } = true;

    /// <summary>The longest the carrier sleeps before looking for due pushes (labels other instances issued, retries).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Parcels claimed at once: all the carrier ever holds in memory; the rest wait in its table.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>A claimed push not recorded within this time (its instance died) is taken up by another.</summary>
    public TimeSpan PushLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A push that keeps failing (Shipping unreachable, or a label nobody recorded) is abandoned after this many tries.</summary>
    public int MaxPushAttempts { get; set; } = 100;

    /// <summary>Parcels with nothing left to push are forgotten this long after their label was created.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);
}

/// <summary>
/// A stand-in carrier: refuses <see cref="TestAddresses.UndeliverablePostalCode"/>, fails everything while the
/// operator's outage switch is on, and pushes "in transit" then "delivered" for every label it created, after
/// the configured delays, by calling Shipping's webhook over HTTP signed with the shared secret, as a real carrier does.
/// <para>
/// It keeps its promises as a real carrier does, in storage of its own (<see cref="SimulatedCarrierParcel"/>), not
/// in memory: a label is bought under the caller's idempotency key (a repeated or concurrent request gets the label
/// issued first), and each parcel's next push and when it falls due are rows that this background service claims
/// and sends. A stop, a crash or a second instance resumes from the table; memory holds one batch at most.
/// </para>
/// </summary>
public sealed class SimulatedCarrier(
    IServiceScopeFactory scopes,
    IOptions<SimulatedCarrierOptions> options,
    IHttpClientFactory http,
    ServiceAddresses addresses,
    CarrierWebhookSecret secret,
    TimeProvider clock,
    ILogger<SimulatedCarrier> logger) : BackgroundService, ICarrier
{
    /// <summary>The carrier's name on its labels, and its HTTP client's.</summary>
    public const string Name = "SimPost";

    private static readonly ActivitySource Source = new("Commerce.Shipping.Carrier");
    private static readonly TimeSpan PurgeInterval = TimeSpan.FromHours(1);

    private readonly SemaphoreSlim labelIssued = new(0, 1);
    private volatile bool outage;

    /// <summary>Raised after each push has been applied (tests wait on it instead of sleeping).</summary>
    public event Action<CarrierTrackingUpdate>? Pushed;

    public bool OutageEnabled
    {
        get => outage;
        set => outage = value;
    }

    /// <summary>
    /// The simulated carrier's service area: the shop's markets (North America, Europe, Australia and New Zealand, Japan)
    /// minus the test postal code it always refuses. A fixed list, like a real carrier's published coverage, so a
    /// customer can be told before checkout that an address will not be shipped to.
    /// </summary>
    public static readonly FrozenSet<string> ServedCountries = new[]
    {
        "US", "CA", "MX", "GB", "IE", "FR", "DE", "NL", "BE", "LU", "AT", "CH", "IT", "ES", "PT", "DK", "SE", "NO", "FI",
        "IS", "PL", "CZ", "SK", "HU", "SI", "HR", "RO", "BG", "GR", "EE", "LV", "LT", "MT", "CY", "AU", "NZ", "JP",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    public bool Serves(string country, string postalCode) =>
        ServedCountries.Contains(country.Trim()) && postalCode.Trim() != TestAddresses.UndeliverablePostalCode;

    public async Task<CarrierLabel> CreateLabelAsync(
        string idempotencyKey, Guid orderId, ShippingAddress address, int parcels, CancellationToken cancellationToken)
    {
        if (outage)
        {
            throw new CarrierUnavailableException("The carrier is unavailable (outage switched on).");
        }

        if (address.PostalCode.Trim() == TestAddresses.UndeliverablePostalCode)
        {
            throw new CarrierRejectedException($"The carrier does not deliver to postal code {address.PostalCode}.");
        }

        if (!Serves(address.Country, address.PostalCode))
        {
            throw new CarrierRejectedException($"The carrier does not deliver to {address.Country}.");
        }

        var now = clock.GetUtcNow();
        var trackingNumber = $"SIM{RandomNumberGenerator.GetInt32(0, int.MaxValue):D10}{RandomNumberGenerator.GetInt32(0, 100):D2}";
        DateTimeOffset? firstPush = options.Value.AutoAdvance ? now + options.Value.InTransitAfter : null;
        var traceParent = Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ShippingDbContext>();
        // The first request with a key buys the label; every later or concurrent one gets that same label back.
        await db.Database.ExecuteSqlAsync(
            $"""
             INSERT INTO shipping.simulated_carrier_parcels
                 (idempotency_key, tracking_number, label_created_at, status, next_push_at, failed_pushes, trace_parent)
             VALUES ({idempotencyKey}, {trackingNumber}, {now}, {nameof(ShipmentStatus.LabelCreated)}, {firstPush}, 0, {traceParent})
             ON CONFLICT (idempotency_key) DO NOTHING
             """,
            cancellationToken);
        var issued = await db.SimulatedCarrierParcels.AsNoTracking()
            .Where(p => p.IdempotencyKey == idempotencyKey).Select(p => p.TrackingNumber).SingleAsync(cancellationToken);
        if (issued == trackingNumber)
        {
            logger.LogInformation("Simulated carrier issued {TrackingNumber} for order {OrderId}", trackingNumber, orderId);
            WakeUp();
        }

        return new CarrierLabel(Name, issued);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextPurge = clock.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = options.Value.PollInterval;
            try
            {
                var (nextDue, more) = await PushDueAsync(stoppingToken);
                if (clock.GetUtcNow() >= nextPurge)
                {
                    await PurgeAsync(stoppingToken);
                    nextPurge = clock.GetUtcNow() + PurgeInterval;
                }

                if (more)
                {
                    continue;
                }

                if (nextDue is { } due)
                {
                    wait = TimeSpan.FromTicks(Math.Clamp((due - clock.GetUtcNow()).Ticks, 0, wait.Ticks));
                }
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                // Stopping: what was claimed and not recorded is taken up again when its lease ends.
                return;
            }
            catch (Exception exception)
            {
                logger.LogError(exception, "Simulated carrier could not send its due pushes; retrying after the poll interval");
            }

            try
            {
                // A label issued here wakes the loop at once (its first push may fall due sooner than the current wait).
                await labelIssued.WaitAsync(wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void WakeUp()
    {
        try
        {
            labelIssued.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken; one wake-up covers every label issued before it.
        }
    }

    /// <summary>
    /// Claims one batch of due pushes and sends them; returns when the next push falls due (null when none is
    /// scheduled) and whether the batch was full (more may be due already).
    /// </summary>
    private async Task<(DateTimeOffset? NextDue, bool More)> PushDueAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        List<(SimulatedCarrierParcel Parcel, DateTimeOffset DueAt)> claimed;
        // The carrier's own bookkeeping belongs to no business request: untraced, it adds no root trace per poll.
        using (SuppressInstrumentationScope.Begin())
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ShippingDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var now = clock.GetUtcNow();
            var due = await db.SimulatedCarrierParcels
                .FromSql(
                    $"""
                     SELECT * FROM shipping.simulated_carrier_parcels WHERE next_push_at <= {now}
                     ORDER BY next_push_at LIMIT {settings.BatchSize} FOR UPDATE SKIP LOCKED
                     """)
                .ToListAsync(cancellationToken);
            claimed = [.. due.Select(p => (p, p.NextPushAt!.Value))];
            // Leased, not done: should this instance die mid-push, another takes the parcel up once the lease ends,
            // and the push's fixed event id makes the repeat a duplicate that Shipping ignores.
            foreach (var parcel in due)
            {
                parcel.NextPushAt = now + settings.PushLease;
            }

            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        await Parallel.ForEachAsync(claimed, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (item, ct) => await PushAsync(item.Parcel, item.DueAt, ct));

        using (SuppressInstrumentationScope.Begin())
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ShippingDbContext>();
            var nextDue = await db.SimulatedCarrierParcels.Where(p => p.NextPushAt != null).MinAsync(p => p.NextPushAt, cancellationToken);
            return (nextDue, claimed.Count == settings.BatchSize);
        }
    }

    private async Task PushAsync(SimulatedCarrierParcel parcel, DateTimeOffset dueAt, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var (status, location) = parcel.Status == ShipmentStatus.LabelCreated
            ? (ShipmentStatus.InTransit, "Sorting centre")
            : (ShipmentStatus.Delivered, "Front door");
        var update = new CarrierTrackingUpdate(EventIdFor(parcel.TrackingNumber, status), parcel.TrackingNumber, status, location, clock.GetUtcNow());
        var parent = ActivityContext.TryParse(parcel.TraceParent, null, isRemote: true, out var stored) ? stored : default;
        using var span = Source.StartActivity($"{Name} push {status}", ActivityKind.Producer, parent);
        HttpStatusCode? answer;
        try
        {
            answer = await SendAsync(update, cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(exception, "Simulated carrier push {Status} for {TrackingNumber} failed; retrying", status, parcel.TrackingNumber);
            answer = null;
        }

        await using var save = scopes.CreateAsyncScope();
        var db = save.ServiceProvider.GetRequiredService<ShippingDbContext>();
        var parcels = db.SimulatedCarrierParcels.Where(p => p.IdempotencyKey == parcel.IdempotencyKey);
        var now = clock.GetUtcNow();
        // A label's shipment row is committed right after the label is issued: a push that races ahead of that commit
        // (404), or meets Shipping unreachable, is retried with backoff and signed anew, as a real carrier retries a
        // failed webhook.
        if (answer is not HttpStatusCode.OK)
        {
            if (answer is HttpStatusCode.Unauthorized)
            {
                logger.LogError("Shipping refused the simulated carrier's signature for {TrackingNumber}: is {Key} the same on both sides?",
                    parcel.TrackingNumber, CarrierWebhookSecret.ConfigurationKey);
            }

            var failed = parcel.FailedPushes + 1;
            DateTimeOffset? retryAt = failed < settings.MaxPushAttempts ? now + Backoff(failed) : null;
            if (retryAt is null)
            {
                logger.LogError("Simulated carrier gave up pushing {Status} for {TrackingNumber} after {Attempts} attempts",
                    status, parcel.TrackingNumber, failed);
            }

            span?.SetStatus(ActivityStatusCode.Error, answer is null ? "push failed" : $"webhook answered {(int)answer}");
            await parcels.ExecuteUpdateAsync(p => p.SetProperty(x => x.FailedPushes, failed).SetProperty(x => x.NextPushAt, retryAt), cancellationToken);
            return;
        }

        logger.LogInformation("Simulated carrier pushed {Status} for {TrackingNumber}", status, parcel.TrackingNumber);
        // "Delivered this long after in transit" counts from when in transit fell due, so downtime does not move the
        // promised delivery further out: after a long stop both pushes are due and go in order.
        DateTimeOffset? next = status == ShipmentStatus.InTransit ? Max(dueAt + settings.DeliveredAfter, now) : null;
        await parcels.ExecuteUpdateAsync(
            p => p.SetProperty(x => x.Status, status).SetProperty(x => x.FailedPushes, 0).SetProperty(x => x.NextPushAt, next),
            cancellationToken);
        Pushed?.Invoke(update);
    }

    /// <summary>One webhook call: the update as JSON, signed now with the shared secret; Shipping's answer.</summary>
    private async Task<HttpStatusCode> SendAsync(CarrierTrackingUpdate update, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(update, CommerceJson.Options);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(addresses.For(ShippingContext.Name), "shipments/carrier/webhook"))
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(CarrierWebhookSignature.Header, CarrierWebhookSignature.Sign(secret.Key.Span, clock.GetUtcNow(), body));
        using var response = await http.CreateClient(Name).SendAsync(request, cancellationToken);
        return response.StatusCode;
    }

    /// <summary>Forgets parcels with nothing left to push once their label is older than the retention.</summary>
    private async Task PurgeAsync(CancellationToken cancellationToken)
    {
        using var untraced = SuppressInstrumentationScope.Begin();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ShippingDbContext>();
        var before = clock.GetUtcNow() - options.Value.Retention;
        await db.SimulatedCarrierParcels.Where(p => p.NextPushAt == null && p.LabelCreatedAt < before).ExecuteDeleteAsync(cancellationToken);
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static TimeSpan Backoff(int failures) =>
        TimeSpan.FromMilliseconds(Math.Min(100 * Math.Pow(2, Math.Min(failures - 1, 10)), 60_000));

    /// <summary>One event id per parcel and status: a push repeated after a crash is a duplicate, never a second update.</summary>
    private static Guid EventIdFor(string trackingNumber, ShipmentStatus status) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes($"{Name}:{trackingNumber}:{status}"))[..16]);
}
