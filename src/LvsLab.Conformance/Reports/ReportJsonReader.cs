using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using LvsLab.Conformance.Results;

namespace LvsLab.Conformance.Reports;

/// <summary>
/// Reads <c>report.json</c> as <see cref="ReportJsonWriter"/> writes it. Anything malformed is a
/// <see cref="ConformanceReportException"/> naming the file and the field, e.g.
/// <c>report.json: forwarders[0].cases[3].verdict: unknown 'maybe'</c>. Unknown properties are ignored.
/// </summary>
public static partial class ReportJsonReader
{
    /// <summary>Reads a report from a file.</summary>
    /// <param name="path">The file; errors name it as given.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ConformanceReportException">The file cannot be read, is not JSON, or is not a report.</exception>
    public static ConformanceReport Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConformanceReportException($"{path}: cannot be read: {e.Message}", e);
        }

        return Parse(text, path);
    }

    /// <summary>Reads a report from JSON text.</summary>
    /// <param name="json">The text.</param>
    /// <param name="fileName">The name errors give the text, e.g. <c>report.json</c>.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ConformanceReportException">The text is not JSON or is not a report.</exception>
    public static ConformanceReport Parse(string json, string fileName = "report.json")
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(fileName);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line
                ? string.Create(CultureInfo.InvariantCulture, $"line {line + 1}, column {(e.BytePositionInLine ?? 0) + 1}")
                : "somewhere";
            throw new ConformanceReportException($"{fileName}: not JSON at {where}: {FirstSentence(e.Message)}", e);
        }

        using (document)
        {
            try
            {
                return ReadReport(document.RootElement);
            }
            catch (FieldException e)
            {
                throw new ConformanceReportException($"{fileName}: {e.Path}: {e.Message}", e);
            }
        }
    }

    private static ConformanceReport ReadReport(JsonElement root)
    {
        const string path = "(top)";
        Expect(root, JsonValueKind.Object, path);
        var startedText = String(root, "started", null);
        if (!DateTimeOffset.TryParse(startedText, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var started))
        {
            throw new FieldException("started", $"not a date and time: '{startedText}'");
        }

        string? shard = null;
        if (root.TryGetProperty("shard", out var shardElement) && shardElement.ValueKind != JsonValueKind.Null)
        {
            Expect(shardElement, JsonValueKind.String, "shard");
            shard = shardElement.GetString()!;
            var match = ShardPattern().Match(shard);
            if (!match.Success || !int.TryParse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture, out var index)
                || !int.TryParse(match.Groups[2].ValueSpan, CultureInfo.InvariantCulture, out var count) || index < 1 || index > count)
            {
                throw new FieldException("shard", $"not I/N with 1 <= I <= N: '{shard}'");
            }
        }

        var forwarders = new List<ForwarderResult>();
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var i = 0;
        foreach (var element in Array(root, "forwarders", null))
        {
            var at = Index("forwarders", i);
            var forwarder = ReadForwarder(element, at);
            if (names.TryGetValue(forwarder.Name, out var first))
            {
                throw new FieldException($"{at}.name", $"'{forwarder.Name}' is also forwarders[{first}]");
            }

            names.Add(forwarder.Name, i);
            forwarders.Add(forwarder);
            i++;
        }

        return new ConformanceReport(forwarders, started, shard);
    }

    private static ForwarderResult ReadForwarder(JsonElement element, string path)
    {
        Expect(element, JsonValueKind.Object, path);
        var name = NonEmpty(element, "name", path);
        var source = String(element, "source", path);
        var seconds = Seconds(element, path);
        var cases = new List<CaseOutcome>();
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var i = 0;
        foreach (var caseElement in Array(element, "cases", path))
        {
            var at = Index($"{path}.cases", i);
            var outcome = ReadCase(caseElement, at);
            if (ids.TryGetValue(outcome.Id, out var first))
            {
                throw new FieldException($"{at}.id", $"'{outcome.Id}' is also {path}.cases[{first}]");
            }

            ids.Add(outcome.Id, i);
            cases.Add(outcome);
            i++;
        }

        return new ForwarderResult(name, source, cases, seconds);
    }

    private static CaseOutcome ReadCase(JsonElement element, string path)
    {
        Expect(element, JsonValueKind.Object, path);
        var id = NonEmpty(element, "id", path);
        var mode = NonEmpty(element, "mode", path);
        var levelText = String(element, "level", path);
        var level = VerdictNames.ParseLevel(levelText)
            ?? throw new FieldException($"{path}.level", $"unknown '{levelText}' (must or should)");
        var sentence = String(element, "sentence", path);
        var verdictText = String(element, "verdict", path);
        var verdict = VerdictNames.ParseJson(verdictText)
            ?? throw new FieldException($"{path}.verdict", $"unknown '{verdictText}' (pass, fail, non-strict, unsupported or error)");
        var evidence = Strings(element, "evidence", path);
        var pcaps = Strings(element, "pcaps", path);
        var seconds = Seconds(element, path);
        return new CaseOutcome(id, mode, level, sentence, verdict, evidence, pcaps, seconds);
    }

    private static JsonElement Property(JsonElement element, string name, string? path)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            throw new FieldException(path ?? "(top)", $"missing '{name}'");
        }

        return value;
    }

    private static string String(JsonElement element, string name, string? path)
    {
        var value = Property(element, name, path);
        Expect(value, JsonValueKind.String, Field(path, name));
        return value.GetString()!;
    }

    private static string NonEmpty(JsonElement element, string name, string path)
    {
        var value = String(element, name, path);
        return value.Length > 0 ? value : throw new FieldException(Field(path, name), "empty");
    }

    private static double Seconds(JsonElement element, string path)
    {
        var value = Property(element, "seconds", path);
        Expect(value, JsonValueKind.Number, Field(path, "seconds"));
        if (!value.TryGetDouble(out var seconds) || !double.IsFinite(seconds) || seconds < 0)
        {
            throw new FieldException(Field(path, "seconds"), $"not a number of seconds >= 0: {value.GetRawText()}");
        }

        return seconds;
    }

    private static JsonElement.ArrayEnumerator Array(JsonElement element, string name, string? path)
    {
        var value = Property(element, name, path);
        Expect(value, JsonValueKind.Array, Field(path, name));
        return value.EnumerateArray();
    }

    private static List<string> Strings(JsonElement element, string name, string path)
    {
        var values = new List<string>();
        var i = 0;
        foreach (var item in Array(element, name, path))
        {
            Expect(item, JsonValueKind.String, Index(Field(path, name), i));
            values.Add(item.GetString()!);
            i++;
        }

        return values;
    }

    private static void Expect(JsonElement element, JsonValueKind kind, string path)
    {
        if (element.ValueKind != kind)
        {
            throw new FieldException(path, $"expected {Describe(kind)}, found {Describe(element.ValueKind)}");
        }
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "true or false",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private static string Field(string? path, string name) => path is null ? name : $"{path}.{name}";

    private static string Index(string path, int index) => string.Create(CultureInfo.InvariantCulture, $"{path}[{index}]");

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message.TrimEnd('.') : message[..end];
    }

    [GeneratedRegex(@"^(\d{1,9})/(\d{1,9})$", RegexOptions.CultureInvariant)]
    private static partial Regex ShardPattern();

    /// <summary>A field is wrong; caught in <see cref="Parse"/> and given the file's name.</summary>
    private sealed class FieldException(string path, string message) : Exception(message)
    {
        public string Path { get; } = path;
    }
}
