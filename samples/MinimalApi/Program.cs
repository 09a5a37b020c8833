using Evertoken.Samples.MinimalApi;

var app = SampleApp.CreateApp(args);
app.Run();
