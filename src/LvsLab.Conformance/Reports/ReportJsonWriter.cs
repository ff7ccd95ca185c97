using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using LvsLab.Conformance.Results;

namespace LvsLab.Conformance.Reports;

/// <summary>Writes a report as <c>report.json</c> (camelCase; verdicts and levels as lowercase words), which <see cref="ReportJsonReader"/> reads back.</summary>
public static class ReportJsonWriter
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The report as JSON text.</summary>
    /// <param name="report">The report.</param>
    /// <returns>Indented JSON, ending with a newline.</returns>
    public static string ToJson(ConformanceReport report)
    {
        using var stream = new MemoryStream();
        Write(report, stream);
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>Writes the report as UTF-8 JSON to a stream.</summary>
    /// <exception cref="ArgumentException">A forwarder's or case's seconds is not finite.</exception>
    /// <param name="report">The report.</param>
    /// <param name="stream">Where to write; left open.</param>
    public static void Write(ConformanceReport report, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(stream);
        using var json = new Utf8JsonWriter(stream, Options);
        json.WriteStartObject();
        json.WriteString("started", report.Started.ToString("O", CultureInfo.InvariantCulture));
        if (report.Shard is null)
        {
            json.WriteNull("shard");
        }
        else
        {
            json.WriteString("shard", report.Shard);
        }

        json.WriteStartArray("forwarders");
        foreach (var forwarder in report.Forwarders)
        {
            WriteForwarder(json, forwarder);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteForwarder(Utf8JsonWriter json, ForwarderResult forwarder)
    {
        json.WriteStartObject();
        json.WriteString("name", forwarder.Name);
        json.WriteString("source", forwarder.Source);
        json.WriteNumber("seconds", Seconds(forwarder.Seconds, forwarder.Name));
        json.WriteStartArray("cases");
        foreach (var outcome in forwarder.Cases)
        {
            json.WriteStartObject();
            json.WriteString("id", outcome.Id);
            json.WriteString("mode", outcome.Mode);
            json.WriteString("level", VerdictNames.Json(outcome.Level));
            json.WriteString("sentence", outcome.Sentence);
            json.WriteString("verdict", VerdictNames.Json(outcome.Verdict));
            WriteStrings(json, "evidence", outcome.Evidence);
            WriteStrings(json, "pcaps", outcome.Pcaps);
            json.WriteNumber("seconds", Seconds(outcome.Seconds, $"{forwarder.Name} {outcome.Id}"));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static double Seconds(double seconds, string what) =>
        double.IsFinite(seconds) ? seconds : throw new ArgumentException($"{what}: seconds is {seconds}, which JSON cannot hold", nameof(seconds));

    private static void WriteStrings(Utf8JsonWriter json, string name, IReadOnlyList<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }
}
