using Screening.Fitting;
using Screening.ServiceDefaults;
using Screening.ServiceDefaults.Bus;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddFitting();
builder.AddScreeningBus(FittingExtensions.AddFittingConsumers);

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapFitting();
app.Run();
