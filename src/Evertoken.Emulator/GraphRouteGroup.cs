using Evertoken.Emulator.Internal;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Evertoken.Emulator;

/// <summary>
/// Maps a Graph endpoint twice, under <c>/vNN.N/...</c> (any version) and unversioned, with the emulator's fault
/// injection and call recording around it. Use it to add endpoints (messages, media) next to the built-in ones.
/// </summary>
public sealed class GraphRouteGroup
{
    private readonly RouteGroupBuilder _versioned;
    private readonly RouteGroupBuilder _unversioned;

    internal GraphRouteGroup(IEndpointRouteBuilder endpoints, EmulatorState state)
    {
        State = state;
        var filter = new GraphCallFilter(state);
        _versioned = endpoints.MapGroup(RoutePatternFactory.Parse("/{graph_version}", null, new RouteValueDictionary { ["graph_version"] = GraphRouteConstraints.Version }));
        _versioned.AddEndpointFilter(filter);
        _unversioned = endpoints.MapGroup("/");
        _unversioned.AddEndpointFilter(filter);
    }

    /// <summary>The world the endpoints serve.</summary>
    public EmulatorState State { get; }

    /// <summary>Maps GET <paramref name="pattern"/> (e.g. <c>/{id}/phone_numbers</c>, without a version).</summary>
    public void MapGet(string pattern, Func<HttpContext, EmulatorState, Task<IResult>> handler) => MapMethods(pattern, ["GET"], handler);

    /// <summary>Maps POST <paramref name="pattern"/>.</summary>
    public void MapPost(string pattern, Func<HttpContext, EmulatorState, Task<IResult>> handler) => MapMethods(pattern, ["POST"], handler);

    /// <summary>Maps DELETE <paramref name="pattern"/>.</summary>
    public void MapDelete(string pattern, Func<HttpContext, EmulatorState, Task<IResult>> handler) => MapMethods(pattern, ["DELETE"], handler);

    /// <summary>
    /// Maps <paramref name="pattern"/> for the given HTTP methods. Route parameters named <c>id</c> or ending in
    /// <c>_id</c> only match numeric ids, so <c>/{id}</c> never shadows a literal path such as <c>/me</c>.
    /// </summary>
    public void MapMethods(string pattern, IEnumerable<string> methods, Func<HttpContext, EmulatorState, Task<IResult>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var verbs = methods.ToArray();
        var state = State;
        Task<IResult> Handle(HttpContext http) => handler(http, state);

        var policies = new RouteValueDictionary();
        foreach (var parameter in RoutePatternFactory.Parse(pattern).Parameters)
        {
            if (parameter.Name == "id" || parameter.Name.EndsWith("_id", StringComparison.Ordinal))
            {
                policies[parameter.Name] = GraphRouteConstraints.NumericId;
            }
        }

        var route = RoutePatternFactory.Parse(pattern, defaults: null, parameterPolicies: policies);
        foreach (var group in new[] { _versioned, _unversioned })
        {
            group.Map(route, (Func<HttpContext, Task<IResult>>)Handle).WithMetadata(new HttpMethodMetadata(verbs));
        }
    }
}
