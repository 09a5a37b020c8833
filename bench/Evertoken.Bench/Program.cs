// `proxy`: the Graph proxy benchmark and the child servers it starts (Proxy/ProxyBench.cs; bench/run-proxy.sh).
if (args is ["proxy", ..])
{
    return await Evertoken.Bench.Proxy.ProxyBench.MainAsync(args[1..]);
}

return 0;
