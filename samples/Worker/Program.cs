using Evertoken.Samples.Worker;

var host = SampleHost.CreateHost(args);
host.Run();
