using System.Reflection;
using Evertoken.Tokens;

namespace Evertoken.Tests.PublicApi;

/// <summary>Rules of the library the compiler does not check.</summary>
public sealed class ConventionTests
{
    private static readonly Assembly Library = typeof(TokenKeeper).Assembly;
    private static readonly Type[] Types = Library.GetTypes();

    [Fact]
    public void Every_type_in_an_Internal_namespace_is_internal()
    {
        var internalTypes = Types.Where(t => t.Namespace?.Split('.').Contains("Internal") == true).ToList();

        internalTypes.ShouldNotBeEmpty();
        internalTypes.Where(t => t.IsVisible).Select(t => t.FullName).ShouldBeEmpty();
    }

    [Fact]
    public void Every_Options_class_is_sealed()
    {
        var options = Types.Where(t => t.IsClass && t.Name.EndsWith("Options", StringComparison.Ordinal) && !IsCompilerGenerated(t)).ToList();

        options.ShouldContain(typeof(Evertoken.Hosting.EvertokenOptions));
        options.Where(t => !t.IsSealed).Select(t => t.FullName).ShouldBeEmpty();
    }

    [Fact]
    public void No_public_type_of_the_library_references_the_server()
    {
        Library.GetReferencedAssemblies().Select(a => a.Name).ShouldNotContain("Evertoken.Server");

        var offenders = Library.GetExportedTypes()
            .SelectMany(t => SignatureTypes(t).Select(used => (t, used)))
            .Where(p => p.used.Namespace?.StartsWith("Evertoken.Server", StringComparison.Ordinal) == true
                || p.used.Assembly.GetName().Name == "Evertoken.Server")
            .Select(p => $"{p.t.FullName} uses {p.used.FullName}")
            .Distinct()
            .ToList();

        offenders.ShouldBeEmpty();
        Library.GetExportedTypes().Where(t => t.Namespace?.StartsWith("Evertoken.Server", StringComparison.Ordinal) == true).ShouldBeEmpty();
    }

    /// <summary>Every type a public type shows: base, interfaces, and public members' signatures, generic arguments unwrapped.</summary>
    private static IEnumerable<Type> SignatureTypes(Type type)
    {
        const BindingFlags Visible = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var direct = new List<Type>();
        if (type.BaseType is { } baseType)
        {
            direct.Add(baseType);
        }

        direct.AddRange(type.GetInterfaces());
        foreach (var member in type.GetMembers(Visible | BindingFlags.NonPublic).Where(IsVisibleMember))
        {
            switch (member)
            {
                case FieldInfo f:
                    direct.Add(f.FieldType);
                    break;
                case PropertyInfo p:
                    direct.Add(p.PropertyType);
                    break;
                case EventInfo e when e.EventHandlerType is { } handler:
                    direct.Add(handler);
                    break;
                case MethodBase m:
                    direct.AddRange(m.GetParameters().Select(p => p.ParameterType));
                    if (m is MethodInfo method)
                    {
                        direct.Add(method.ReturnType);
                    }

                    break;
            }
        }

        return direct.SelectMany(Unwrap);
    }

    private static bool IsVisibleMember(MemberInfo member) => member switch
    {
        FieldInfo f => f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly,
        MethodBase m => m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly,
        PropertyInfo p => p.GetAccessors(nonPublic: true).Any(IsVisibleMember),
        EventInfo e => e.AddMethod is { } add && IsVisibleMember(add),
        _ => false,
    };

    private static IEnumerable<Type> Unwrap(Type type)
    {
        if (type.HasElementType && type.GetElementType() is { } element)
        {
            return Unwrap(element);
        }

        return type.IsGenericType ? [type, .. type.GetGenericArguments().SelectMany(Unwrap)] : [type];
    }

    private static bool IsCompilerGenerated(Type type) => type.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute), inherit: false);
}
