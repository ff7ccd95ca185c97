using LvsLab.Conformance.Results;

namespace LvsLab.Conformance.Tests;

public class ExitCodeTests
{
    private static ConformanceReport With(params CaseVerdict[] verdicts) =>
        new([new ForwarderResult("a", "stock", verdicts.Select((v, i) => Reports.Case($"DR-X-{i + 1}", "dr", v)).ToList(), 1)], Reports.Started);

    [Theory]
    [InlineData(0, new[] { CaseVerdict.Pass, CaseVerdict.NonStrict, CaseVerdict.Unsupported })]
    [InlineData(1, new[] { CaseVerdict.Pass, CaseVerdict.Fail })]
    [InlineData(1, new[] { CaseVerdict.Error, CaseVerdict.Fail })]
    [InlineData(2, new[] { CaseVerdict.Pass, CaseVerdict.Error })]
    [InlineData(0, new CaseVerdict[0])]
    public void TheExitCodeSaysFailThenErrorThenConforms(int expected, CaseVerdict[] verdicts) =>
        Assert.Equal(expected, With(verdicts).ExitCode);

    [Fact]
    public void TheSmallReportExitsOne() => Assert.Equal(1, Reports.Small().ExitCode);
}
