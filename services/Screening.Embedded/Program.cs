using Screening.Embedded;

var app = EmbeddedHost.Build(args, new EmbeddedHostOptions());
app.Run();
