using Evertoken.Bench;
using Evertoken.Bench.Servers;

// The bench runs its servers as child processes of itself, so each has its own peak RSS:
//   Evertoken.Bench [--duration 10] [--warmup 2] [--threads 2] [--connections 32] [--rate 1000]
//   Evertoken.Bench --serve-upstream | --serve-evertoken <upstream-url> | --serve-yarp <upstream-url>
return args switch
{
    ["--serve-upstream"] => await UpstreamServer.RunAsync(),
    ["--serve-evertoken", var upstream] => await EvertokenServer.RunAsync(new Uri(upstream)),
    ["--serve-yarp", var upstream] => await YarpServer.RunAsync(new Uri(upstream)),
    _ => await ProxyBench.RunAsync(BenchSettings.Parse(args)),
};
