using System.Reflection;
using System.Text.Json.Serialization;

namespace NativeContrast.Training;

/// <summary>
/// The names of the enums that select something (method, encoder, optimizer, mining), as the command line and
/// config.json spell them. A name is declared once, by <see cref="JsonStringEnumMemberNameAttribute"/> on the enum
/// member; JSON and every command read it from there.
/// </summary>
internal static class Names
{
    /// <summary>The name of <paramref name="value"/> (its member name in lower case when it declares none).</summary>
    public static string Of<T>(T value) where T : struct, Enum => Table<T>.ByValue.TryGetValue(value, out var name) ? name : value.ToString().ToLowerInvariant();

    /// <summary>Every name of <typeparamref name="T"/>, in declaration order.</summary>
    public static IReadOnlyList<string> All<T>() where T : struct, Enum => Table<T>.Names;

    /// <summary>The value called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">Unknown name; the message says what it names and lists the choices.</exception>
    public static T Parse<T>(string name, string what) where T : struct, Enum =>
        Table<T>.ByName.TryGetValue(name, out var value)
            ? value
            : throw new ArgumentException($"Unknown {what} '{name}'; use {string.Join(", ", Table<T>.Names)}.");

    private static class Table<T> where T : struct, Enum
    {
        public static readonly Dictionary<T, string> ByValue = Enum.GetValues<T>().ToDictionary(v => v, v =>
            typeof(T).GetField(v.ToString())!.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? v.ToString().ToLowerInvariant());

        public static readonly Dictionary<string, T> ByName = ByValue.ToDictionary(p => p.Value, p => p.Key);

        public static readonly IReadOnlyList<string> Names = [.. ByValue.Values];
    }
}
