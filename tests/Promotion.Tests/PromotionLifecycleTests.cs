using System.Net;
using System.Net.Http.Json;
using System.Text;
using Commerce.Promotion.Campaigns;
using Commerce.Promotion.Contracts;
using Commerce.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;

namespace Commerce.Promotion.Tests;

public sealed class PromotionLifecycleTests(PromotionHost host) : IClassFixture<PromotionHost>
{
    [Fact]
    public async Task Create_StartInThePast_IsActiveAtOnceWithPromotionActivated()
    {
        var promotion = await host.CreatePromotionAsync();

        Assert.Equal(PromotionStatus.Active, promotion.Status);
        Assert.Equal(1, promotion.Version);
        Assert.Equal([nameof(PromotionActivated)], await host.Sql.EventTypesAsync("promotion", promotion.Id.ToString()));
    }

    [Fact]
    public async Task Create_StartInTheFuture_IsScheduledWithoutEvent_AndGetAndListShowIt()
    {
        var promotion = await host.CreatePromotionAsync(startsIn: TimeSpan.FromHours(1), name: "Later sale");

        var read = await host.Client.GetFromJsonAsync<PromotionResponse>($"/promotions/{promotion.Id}", CommerceJson.Options);
        var scheduled = await host.Client.GetFromJsonAsync<PromotionPage>("/promotions?status=Scheduled", CommerceJson.Options);
        var active = await host.Client.GetFromJsonAsync<PromotionPage>("/promotions?status=Active", CommerceJson.Options);

        Assert.Equal(PromotionStatus.Scheduled, promotion.Status);
        Assert.Empty(await host.Sql.EventTypesAsync("promotion", promotion.Id.ToString()));
        Assert.Equal(promotion, read! with { Terms = promotion.Terms });
        Assert.Contains(scheduled!.Items, p => p.Id == promotion.Id);
        Assert.DoesNotContain(active!.Items, p => p.Id == promotion.Id);
    }

    [Fact]
    public async Task List_NewestFirst()
    {
        var first = await host.CreatePromotionAsync(name: "First");
        host.Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await host.CreatePromotionAsync(name: "Second");

        var page = await host.Client.GetFromJsonAsync<PromotionPage>("/promotions", CommerceJson.Options);

        var ids = page!.Items.Select(p => p.Id).ToList();
        Assert.True(ids.IndexOf(second.Id) < ids.IndexOf(first.Id));
    }

    [Fact]
    public async Task Deactivate_Active_PublishesExpiredWithDeactivated_AndRepeatChangesNothing()
    {
        var promotion = await host.CreatePromotionAsync();

        var first = await host.Client.PostAsync($"/promotions/{promotion.Id}/deactivate", null);
        var repeat = await host.Client.PostAsync($"/promotions/{promotion.Id}/deactivate", null);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        var body = (await repeat.Content.ReadFromJsonAsync<PromotionResponse>(CommerceJson.Options))!;
        Assert.Equal((PromotionStatus.Deactivated, 2), (body.Status, body.Version));
        Assert.Equal("\"2\"", repeat.Headers.ETag?.Tag);
        var events = await host.Sql.EventsAsync("promotion", promotion.Id);
        Assert.Equal([nameof(PromotionActivated), nameof(PromotionExpired)], events.Select(e => e.Type));
        Assert.Equal("Deactivated", events[1].Payload.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Deactivate_StaleIfMatch_Is409_AndUnknownIs404()
    {
        var promotion = await host.CreatePromotionAsync(startsIn: TimeSpan.FromHours(1));
        using var stale = new HttpRequestMessage(HttpMethod.Post, $"/promotions/{promotion.Id}/deactivate");
        stale.Headers.TryAddWithoutValidation("If-Match", "\"7\"");

        var conflict = await host.Client.SendAsync(stale);
        var unknown = await host.Client.PostAsync($"/promotions/{Guid.NewGuid()}/deactivate", null);

        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(PromotionStatus.Scheduled,
            (await host.Client.GetFromJsonAsync<PromotionResponse>($"/promotions/{promotion.Id}", CommerceJson.Options))!.Status);
    }

    public static TheoryData<string, string> BadPromotions => new()
    {
        { "injection in name", """{"name":"'; DROP TABLE promotion.promotions;--4242424242424242","terms":{"kind":"Percentage","value":10,"currency":"USD","scope":"Order"},"startsAt":"2030-01-01T00:00:00Z","endsAt":"2030-02-01T00:00:00Z","requiresCoupon":true}""" },
        { "card number in name", """{"name":"Card 4242 4242 4242 4242","terms":{"kind":"Percentage","value":10,"currency":"USD","scope":"Order"},"startsAt":"2030-01-01T00:00:00Z","endsAt":"2030-02-01T00:00:00Z","requiresCoupon":true}""" },
        { "empty name", """{"name":" ","terms":{"kind":"Percentage","value":10,"currency":"USD","scope":"Order"},"startsAt":"2030-01-01T00:00:00Z","endsAt":"2030-02-01T00:00:00Z","requiresCoupon":true}""" },
        { "ends before it starts", """{"name":"Sale","terms":{"kind":"Percentage","value":10,"currency":"USD","scope":"Order"},"startsAt":"2030-02-01T00:00:00Z","endsAt":"2030-01-15T00:00:00Z","requiresCoupon":true}""" },
        { "ends in the past", """{"name":"Sale","terms":{"kind":"Percentage","value":10,"currency":"USD","scope":"Order"},"startsAt":"2029-01-01T00:00:00Z","endsAt":"2029-02-01T00:00:00Z","requiresCoupon":true}""" },
        { "percent 0", """{"name":"Sale","terms":{"kind":"Percentage","value":0,"currency":"USD","scope":"Order"},"startsAt":"2030-01-01T00:00:00Z","endsAt":"2030-02-01T00:00:00Z","requiresCoupon":true}""" },
        { "percent 101", """{"name":"Sale","terms":{"kind":"Percentage","value":101,"currency":"USD","scope":"Order"},"startsAt":"2030-01-01T00:00:00Z","endsAt":"2030-02-01T00:00:00Z","requiresCoupon":true}""" },
        { "fixed amount in fractions of a cent", """{"name":"Sale","terms":{"kind":"FixedAmount","value":0.001,"currency":"USD","scope":"Order"},"startsAt":"2030-01-01T00:00:00Z","endsAt":"2030-02-01T00:00:00Z","requiresCoupon":true}""" },
        { "fixed amount negative", """{"name":"Sale","terms":{"kind":"FixedAmount","value":-5,"currency":"USD","scope":"Order"},"startsAt":"2030-01-01T00:00:00Z","endsAt":"2030-02-01T00:00:00Z","requiresCoupon":true}""" },
        { "lower-case currency", """{"name":"Sale","terms":{"kind":"Percentage","value":10,"currency":"usd","scope":"Order"},"startsAt":"2030-01-01T00:00:00Z","endsAt":"2030-02-01T00:00:00Z","requiresCoupon":true}""" },
        { "order scope with products", """{"name":"Sale","terms":{"kind":"Percentage","value":10,"currency":"USD","scope":"Order","productIds":["0f000000-0000-0000-0000-000000000001"]},"startsAt":"2030-01-01T00:00:00Z","endsAt":"2030-02-01T00:00:00Z","requiresCoupon":true}""" },
        { "products scope without products", """{"name":"Sale","terms":{"kind":"Percentage","value":10,"currency":"USD","scope":"Products"},"startsAt":"2030-01-01T00:00:00Z","endsAt":"2030-02-01T00:00:00Z","requiresCoupon":true}""" },
        { "products scope with the empty id", """{"name":"Sale","terms":{"kind":"Percentage","value":10,"currency":"USD","scope":"Products","productIds":["00000000-0000-0000-0000-000000000000"]},"startsAt":"2030-01-01T00:00:00Z","endsAt":"2030-02-01T00:00:00Z","requiresCoupon":true}""" },
        { "products scope with categories too", """{"name":"Sale","terms":{"kind":"Percentage","value":10,"currency":"USD","scope":"Products","productIds":["0f000000-0000-0000-0000-000000000001"],"categories":["Audio"]},"startsAt":"2030-01-01T00:00:00Z","endsAt":"2030-02-01T00:00:00Z","requiresCoupon":true}""" },
        { "categories scope without categories", """{"name":"Sale","terms":{"kind":"Percentage","value":10,"currency":"USD","scope":"Categories","categories":[]},"startsAt":"2030-01-01T00:00:00Z","endsAt":"2030-02-01T00:00:00Z","requiresCoupon":true}""" },
        { "unknown membership", """{"name":"Sale","terms":{"kind":"Percentage","value":10,"currency":"USD","scope":"Order","minimumMembership":"Diamond"},"startsAt":"2030-01-01T00:00:00Z","endsAt":"2030-02-01T00:00:00Z","requiresCoupon":true}""" },
        { "negative minimum total", """{"name":"Sale","terms":{"kind":"Percentage","value":10,"currency":"USD","scope":"Order","minimumOrderTotal":-1},"startsAt":"2030-01-01T00:00:00Z","endsAt":"2030-02-01T00:00:00Z","requiresCoupon":true}""" },
        { "unknown kind", """{"name":"Sale","terms":{"kind":"Bogus","value":10,"currency":"USD","scope":"Order"},"startsAt":"2030-01-01T00:00:00Z","endsAt":"2030-02-01T00:00:00Z","requiresCoupon":true}""" },
    };

    [Theory]
    [MemberData(nameof(BadPromotions))]
    public async Task Create_BadInput_Is400AndWritesNothing(string name, string body)
    {
        var before = await host.Sql.CountAsync("promotion.promotions");

        var response = await host.Client.PostAsync("/promotions", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{name}: {response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("4242", text, StringComparison.Ordinal);
        Assert.DoesNotContain("DROP TABLE", text, StringComparison.Ordinal);
        Assert.Equal(before, await host.Sql.CountAsync("promotion.promotions"));
    }

    [Fact]
    public async Task Sweep_ActivatesAtStartAndExpiresAtEnd_EachOnceWithItsEvent()
    {
        var promotion = await host.CreatePromotionAsync(startsIn: TimeSpan.FromHours(1), runsFor: TimeSpan.FromHours(2));
        var sweeper = host.Services.GetRequiredService<PromotionScheduleSweeper>();
        var id = promotion.Id.ToString();

        await sweeper.SweepAsync(CancellationToken.None);
        var beforeStart = await host.Sql.EventTypesAsync("promotion", id);
        host.Clock.Advance(TimeSpan.FromHours(1));
        await sweeper.SweepAsync(CancellationToken.None);
        await sweeper.SweepAsync(CancellationToken.None);
        var afterStart = await GetAsync(promotion.Id);
        host.Clock.Advance(TimeSpan.FromHours(2));
        await sweeper.SweepAsync(CancellationToken.None);
        var afterEnd = await GetAsync(promotion.Id);

        Assert.Empty(beforeStart);
        Assert.Equal((PromotionStatus.Active, 2), (afterStart.Status, afterStart.Version));
        Assert.Equal((PromotionStatus.Expired, 3), (afterEnd.Status, afterEnd.Version));
        var events = await host.Sql.EventsAsync("promotion", promotion.Id);
        Assert.Equal([(nameof(PromotionActivated), 2), (nameof(PromotionExpired), 3)], events.Select(e => (e.Type, e.Version)));
        Assert.Equal("Expired", events[1].Payload.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Sweep_TwoSweepersAtOnce_MoveEachPromotionOnce()
    {
        var promotions = new List<PromotionResponse>();
        for (var i = 0; i < 5; i++)
        {
            promotions.Add(await host.CreatePromotionAsync(startsIn: TimeSpan.FromMinutes(30)));
        }

        var sweeper = host.Services.GetRequiredService<PromotionScheduleSweeper>();
        host.Clock.Advance(TimeSpan.FromMinutes(31));

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => sweeper.SweepAsync(CancellationToken.None))));

        foreach (var promotion in promotions)
        {
            Assert.Equal([nameof(PromotionActivated)], await host.Sql.EventTypesAsync("promotion", promotion.Id.ToString()));
        }
    }

    [Fact]
    public async Task Sweep_DeactivatedBeforeItsStart_IsNeverActivated()
    {
        var promotion = await host.CreatePromotionAsync(startsIn: TimeSpan.FromMinutes(10));
        (await host.Client.PostAsync($"/promotions/{promotion.Id}/deactivate", null)).EnsureSuccessStatusCode();

        host.Clock.Advance(TimeSpan.FromMinutes(11));
        await host.Services.GetRequiredService<PromotionScheduleSweeper>().SweepAsync(CancellationToken.None);

        Assert.Equal(PromotionStatus.Deactivated, (await GetAsync(promotion.Id)).Status);
        Assert.Equal([nameof(PromotionExpired)], await host.Sql.EventTypesAsync("promotion", promotion.Id.ToString()));
    }

    private async Task<PromotionResponse> GetAsync(Guid id) =>
        (await host.Client.GetFromJsonAsync<PromotionResponse>($"/promotions/{id}", CommerceJson.Options))!;
}
