using Screening.Selectivity;
using Screening.ServiceDefaults;
using Screening.ServiceDefaults.Bus;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddSelectivity();
builder.AddScreeningBus(SelectivityExtensions.AddSelectivityConsumers);

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapSelectivity();
app.Run();
