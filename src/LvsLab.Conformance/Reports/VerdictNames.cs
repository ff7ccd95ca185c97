using LvsLab.Conformance.Results;

namespace LvsLab.Conformance.Reports;

/// <summary>The words verdicts and levels are written with, in files and on screen.</summary>
internal static class VerdictNames
{
    /// <summary>Every verdict, in the order totals list them.</summary>
    public static readonly IReadOnlyList<CaseVerdict> All =
        [CaseVerdict.Pass, CaseVerdict.Fail, CaseVerdict.NonStrict, CaseVerdict.Unsupported, CaseVerdict.Error];

    /// <summary>The verdict's name in report.json: pass, fail, non-strict, unsupported, error.</summary>
    public static string Json(CaseVerdict verdict) => verdict switch
    {
        CaseVerdict.Pass => "pass",
        CaseVerdict.Fail => "fail",
        CaseVerdict.NonStrict => "non-strict",
        CaseVerdict.Unsupported => "unsupported",
        CaseVerdict.Error => "error",
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, "not a verdict"),
    };

    /// <summary>The verdict named <paramref name="name"/> in report.json, or null when none is.</summary>
    public static CaseVerdict? ParseJson(string name) =>
        All.Where(v => Json(v) == name).Select(v => (CaseVerdict?)v).FirstOrDefault();

    /// <summary>The verdict as a matrix cell: pass, FAIL, non-strict, - (unsupported), ERROR.</summary>
    public static string Cell(CaseVerdict verdict) => verdict switch
    {
        CaseVerdict.Pass => "pass",
        CaseVerdict.Fail => "FAIL",
        CaseVerdict.NonStrict => "non-strict",
        CaseVerdict.Unsupported => "-",
        CaseVerdict.Error => "ERROR",
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, "not a verdict"),
    };

    /// <summary>The level's name in report.json: must, should.</summary>
    public static string Json(CaseLevel level) => level switch
    {
        CaseLevel.Must => "must",
        CaseLevel.Should => "should",
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "not a level"),
    };

    /// <summary>The level named <paramref name="name"/> in report.json, or null when none is.</summary>
    public static CaseLevel? ParseLevel(string name) => name switch
    {
        "must" => CaseLevel.Must,
        "should" => CaseLevel.Should,
        _ => null,
    };

    /// <summary>The level as RFC 2119 writes it: MUST, SHOULD.</summary>
    public static string Display(CaseLevel level) => Json(level).ToUpperInvariant();
}
