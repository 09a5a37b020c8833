using Evertoken.Sinks.Internal;

namespace Evertoken.Tests.Sinks;

public sealed class DotEnvDocumentTests
{
    [Theory]
    [InlineData("EAAB12xyz", '\0', "EAAB12xyz")]
    [InlineData("123|abc", '\0', "'123|abc'")]
    [InlineData("with space", '\0', "'with space'")]
    [InlineData("it's", '\0', "\"it's\"")]
    [InlineData("a\"b$c", '"', "\"a\\\"b\\$c\"")]
    [InlineData("plain", '\'', "'plain'")]
    [InlineData("", '\0', "''")]
    public void Values_are_quoted_only_when_they_need_it(string value, char previousQuote, string expected) =>
        DotEnvDocument.Format(value, previousQuote).ShouldBe(expected);

    [Fact]
    public void A_multi_line_value_of_the_variable_is_replaced_whole()
    {
        var text = "A=1\nKEY=\"line one\nline two\" # note\nB=2\n";

        DotEnvDocument.Set(text, "KEY", "new").ShouldBe("A=1\nKEY=\"new\" # note\nB=2\n");
    }

    [Fact]
    public void Lookalike_keys_and_commented_assignments_are_left_alone()
    {
        var text = "# KEY=commented\nKEY_OLD=1\nMYKEY=2\nKEY=3\n";

        DotEnvDocument.Set(text, "KEY", "x").ShouldBe("# KEY=commented\nKEY_OLD=1\nMYKEY=2\nKEY=x\n");
    }

    [Fact]
    public void An_empty_text_gets_a_single_line() =>
        DotEnvDocument.Set(string.Empty, "KEY", "x").ShouldBe("KEY=x\n");
}
