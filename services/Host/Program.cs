var builder = WebApplication.CreateBuilder(args);

builder.Services.AddHealthChecks();

var app = builder.Build();

app.MapHealthChecks("/health/live");

app.Run();

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
