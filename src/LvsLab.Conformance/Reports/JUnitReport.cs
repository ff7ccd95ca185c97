using System.Globalization;
using System.Text;
using System.Xml;
using LvsLab.Conformance.Results;

namespace LvsLab.Conformance.Reports;

/// <summary>
/// The report as JUnit XML (<c>junit.xml</c>) for CI: a <c>testsuite</c> per forwarder, a <c>testcase</c>
/// per case (<c>classname="{forwarder}.{mode}"</c>, <c>name="{ID}: {sentence}"</c>). Fail is a
/// <c>failure</c>, Error an <c>error</c>, Unsupported <c>skipped</c>, each with the first evidence line as its
/// message and the evidence as its text; NonStrict passes, its evidence in <c>system-out</c>.
/// </summary>
public static class JUnitReport
{
    /// <summary>Renders the report.</summary>
    /// <param name="report">The report.</param>
    /// <returns>UTF-8-declared XML text; characters XML cannot hold are written as U+FFFD.</returns>
    public static string Render(ConformanceReport report)
    {
        using var stream = new MemoryStream();
        Write(report, stream);
        return new UTF8Encoding(false).GetString(stream.ToArray());
    }

    /// <summary>Writes the report as UTF-8 XML (no byte-order mark) to a stream.</summary>
    /// <param name="report">The report.</param>
    /// <param name="stream">Where to write; left open.</param>
    public static void Write(ConformanceReport report, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(stream);
        var settings = new XmlWriterSettings
        {
            Encoding = new UTF8Encoding(false),
            Indent = true,
            IndentChars = "  ",
            NewLineChars = "\n",
            CloseOutput = false,
        };
        using var xml = XmlWriter.Create(stream, settings);
        xml.WriteStartDocument();
        xml.WriteStartElement("testsuites");
        Attribute(xml, "name", "lvslab conform");
        Counts(xml, report.Forwarders.SelectMany(f => f.Cases).ToList(), report.Forwarders.Sum(f => f.Seconds));
        foreach (var forwarder in report.Forwarders)
        {
            WriteSuite(xml, forwarder, report.Started);
        }

        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    private static void WriteSuite(XmlWriter xml, ForwarderResult forwarder, DateTimeOffset started)
    {
        xml.WriteStartElement("testsuite");
        Attribute(xml, "name", forwarder.Name);
        Counts(xml, forwarder.Cases, forwarder.Seconds);
        Attribute(xml, "timestamp", started.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture));
        xml.WriteStartElement("properties");
        xml.WriteStartElement("property");
        Attribute(xml, "name", "source");
        Attribute(xml, "value", forwarder.Source);
        xml.WriteEndElement();
        xml.WriteEndElement();
        foreach (var outcome in forwarder.Cases)
        {
            WriteCase(xml, forwarder.Name, outcome);
        }

        xml.WriteEndElement();
    }

    private static void WriteCase(XmlWriter xml, string forwarder, CaseOutcome outcome)
    {
        xml.WriteStartElement("testcase");
        Attribute(xml, "classname", $"{forwarder}.{outcome.Mode}");
        Attribute(xml, "name", $"{outcome.Id}: {outcome.Sentence}");
        Attribute(xml, "time", Seconds(outcome.Seconds));
        var evidence = string.Join("\n", outcome.Evidence);
        var level = VerdictNames.Display(outcome.Level);
        switch (outcome.Verdict)
        {
            case CaseVerdict.Fail:
                Finding(xml, "failure", Message(outcome, $"{level} case failed"), "fail", evidence);
                break;
            case CaseVerdict.Error:
                Finding(xml, "error", Message(outcome, "the case could not be run"), "error", evidence);
                break;
            case CaseVerdict.Unsupported:
                xml.WriteStartElement("skipped");
                Attribute(xml, "message", Message(outcome, "unsupported"));
                xml.WriteEndElement();
                break;
            case CaseVerdict.NonStrict:
                xml.WriteStartElement("system-out");
                xml.WriteString(Clean(evidence.Length == 0 ? $"non-strict ({level})" : $"non-strict ({level}):\n{evidence}"));
                xml.WriteEndElement();
                break;
            default:
                break;
        }

        xml.WriteEndElement();
    }

    private static void Finding(XmlWriter xml, string element, string message, string type, string evidence)
    {
        xml.WriteStartElement(element);
        Attribute(xml, "message", message);
        Attribute(xml, "type", type);
        if (evidence.Length > 0)
        {
            xml.WriteString(Clean(evidence));
        }

        xml.WriteEndElement();
    }

    private static string Message(CaseOutcome outcome, string otherwise) =>
        outcome.Evidence.Count > 0 && outcome.Evidence[0].Length > 0 ? outcome.Evidence[0] : otherwise;

    private static void Counts(XmlWriter xml, IReadOnlyCollection<CaseOutcome> cases, double seconds)
    {
        int Count(CaseVerdict verdict) => cases.Count(c => c.Verdict == verdict);
        Attribute(xml, "tests", cases.Count.ToString(CultureInfo.InvariantCulture));
        Attribute(xml, "failures", Count(CaseVerdict.Fail).ToString(CultureInfo.InvariantCulture));
        Attribute(xml, "errors", Count(CaseVerdict.Error).ToString(CultureInfo.InvariantCulture));
        Attribute(xml, "skipped", Count(CaseVerdict.Unsupported).ToString(CultureInfo.InvariantCulture));
        Attribute(xml, "time", Seconds(seconds));
    }

    private static string Seconds(double seconds) => seconds.ToString("0.###", CultureInfo.InvariantCulture);

    private static void Attribute(XmlWriter xml, string name, string value) => xml.WriteAttributeString(name, Clean(value));

    /// <summary>Replaces characters XML 1.0 cannot hold (most control characters, lone surrogates) with U+FFFD.</summary>
    private static string Clean(string text)
    {
        StringBuilder? clean = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], c))
            {
                clean?.Append(c).Append(text[i + 1]);
                i++;
                continue;
            }

            if (XmlConvert.IsXmlChar(c))
            {
                clean?.Append(c);
                continue;
            }

            clean ??= new StringBuilder(text.Length).Append(text, 0, i);
            clean.Append('\uFFFD');
        }

        return clean?.ToString() ?? text;
    }
}
