// `store`: token reads on SQLite beside PostgreSQL (StoreBench.cs; bench/run-postgres.sh).
if (args is ["store", ..])
{
    return await Evertoken.Bench.StoreBench.RunAsync(args[1..]);
}

return 0;
