using Screening.Ingestion;
using Screening.ServiceDefaults;
using Screening.ServiceDefaults.Bus;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddIngestion();
builder.AddScreeningBus(IngestionExtensions.AddIngestionConsumers);

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapIngestion();
app.Run();
