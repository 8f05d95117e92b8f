"""SES's Handlebars subset (sesspec.serve.templates).

Expected values are worked by hand from the SES developer guide's "Advanced email
personalization" page (SES-ADV), moto's AWS-verified ``test_render_template__advanced`` (run
against real SES), the Rendering Failure event's documented ``errorMessage``, and the Handlebars
built-in helper documentation (HBS) that SES-ADV points to.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from typing import Any, ClassVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sesspec.serve.templates import (
    MAX_DATA_DEPTH,
    MAX_NESTING,
    MAX_OUTPUT,
    MAX_STEPS,
    MAX_TEMPLATE_BYTES,
    MAX_TEMPLATE_DATA,
    Budget,
    MissingAttributeError,
    RenderLimitError,
    TemplateDataError,
    TemplateError,
    TemplateSyntaxError,
    check_parts,
    compile_parts,
    compile_template,
    merge_template_data,
    parse_template_data,
    render_parts,
)


def render(source: str, data: Mapping[str, object], *, escape_html: bool = False) -> str:
    return compile_template(source).render(data, escape_html=escape_html)


#: Words a bare ``{{word}}`` cannot name: helpers, ``else`` and ``this`` (HBS).
_KEYWORDS = frozenset({"if", "unless", "each", "with", "else", "this"})

# SES-ADV's example data for one recipient.
ANAYA = {
    "meta": {"userId": "51806220607"},
    "contact": {
        "firstName": "Anaya",
        "lastName": "Iyengar",
        "city": "Bengaluru",
        "country": "India",
        "postalCode": "560052",
    },
    "subscription": [{"interest": "Sports"}, {"interest": "Travel"}, {"interest": "Cooking"}],
}


class TestVariables:
    """SES-ADV: "refer to nested attributes by providing the name of the parent attribute,
    followed by a period (.), followed by the name of the attribute"."""

    def test_nested_attribute(self) -> None:
        assert render("Hello {{contact.firstName}}!", ANAYA) == "Hello Anaya!"

    def test_whitespace_inside_braces(self) -> None:
        """moto's test (same template run on SES): ``{{favoriteanimal  }}`` renders."""
        assert render("is {{favoriteanimal  }}.", {"favoriteanimal": "Lion"}) == "is Lion."

    def test_case_sensitive(self) -> None:
        with pytest.raises(MissingAttributeError):
            render("{{Name}}", {"name": "x"})

    @pytest.mark.parametrize(
        ("value", "text"),
        [
            (3, "3"),
            (1.0, "1"),
            (2.5, "2.5"),
            (True, "true"),
            (False, "false"),
            (None, ""),
            ([1, None, "a"], "1,,a"),
            ({"a": 1}, "[object Object]"),
        ],
    )
    def test_values_print_as_handlebars_prints_them(self, value: object, text: str) -> None:
        assert render("{{v}}", {"v": value}) == text

    def test_extra_data_is_ignored(self) -> None:
        """AWS knowledge center: extra variables such as favoritenumber cause no error."""
        assert render("Hi {{name}}", {"name": "Jane", "favoritenumber": "10"}) == "Hi Jane"

    def test_list_index_segment(self) -> None:
        assert render("{{subscription.1.interest}}", ANAYA) == "Travel"

    def test_this(self) -> None:
        assert render("{{this.contact.city}}/{{./meta.userId}}", ANAYA) == "Bengaluru/51806220607"


class TestMissingAttribute:
    """A variable with no counterpart in the data: TestRenderTemplate answers
    MissingRenderingAttribute, the send paths a Rendering Failure, both with "Attribute
    'name' is not present in the rendering data." (SES event docs; moto's test)."""

    def test_message(self) -> None:
        with pytest.raises(MissingAttributeError) as info:
            render("Your favorite animal is {{favoriteanimal}}.", {"name": "John"})
        assert info.value.attribute == "favoriteanimal"
        assert info.value.message == (
            "Attribute 'favoriteanimal' is not present in the rendering data."
        )
        assert info.value.offset == len("Your favorite animal is ")

    def test_missing_parent_names_the_path(self) -> None:
        with pytest.raises(MissingAttributeError) as info:
            render("{{contact.middleName}}", ANAYA)
        assert info.value.attribute == "contact.middleName"

    def test_path_through_a_string(self) -> None:
        with pytest.raises(MissingAttributeError):
            render("{{contact.city.name}}", ANAYA)

    def test_guarded_by_if_each_unless_with(self) -> None:
        source = (
            "{{#if a}}A{{/if}}{{#each b}}B{{/each}}{{#unless c}}C{{/unless}}{{#with d}}D{{/with}}"
        )
        assert render(source, {}) == "C"

    def test_present_null_is_empty(self) -> None:
        assert render("[{{x}}]", {"x": None}) == "[]"

    def test_unknown_helper_is_a_missing_attribute(self) -> None:
        """SES answered a template whose ``{{#if}}`` became ``{{IF ...}}`` with "Attribute 'IF'
        is not present in the rendering data." (a React Email upper-casing bug report)."""
        with pytest.raises(MissingAttributeError) as info:
            render("{{IF firstName}}", {"firstName": "a"})
        assert info.value.attribute == "IF"

    def test_data_variable_outside_each(self) -> None:
        with pytest.raises(MissingAttributeError):
            render("{{@index}}", {})


class TestEach:
    """SES-ADV "Iterating through lists" and HBS ``each``."""

    def test_ses_list_example(self) -> None:
        source = "<ul>{{#each subscription}}<li>{{interest}}</li>{{/each}}</ul>"
        assert render(source, ANAYA) == ("<ul><li>Sports</li><li>Travel</li><li>Cooking</li></ul>")

    def test_moto_aws_verified_template(self) -> None:
        source = (
            "{{#each items}} {{name}} is {{#if best}}the best{{else}}a {{type}}{{/if}}, {{/each}}"
        )
        data = {
            "items": [
                {"type": "dog", "name": "bobby", "best": True},
                {"type": "cat", "name": "pedro", "best": False},
            ]
        }
        out = render(source, data)
        assert "bobby is the best" in out
        assert "pedro is a cat" in out
        assert out == " bobby is the best,  pedro is a cat, "

    def test_index_first_last_and_this(self) -> None:
        source = (
            "{{#each xs}}{{@index}}={{this}}{{#if @first}}<{{/if}}{{#if @last}}>{{/if}};{{/each}}"
        )
        assert render(source, {"xs": ["a", "b", "c"]}) == "0=a<;1=b;2=c>;"

    def test_object_keys(self) -> None:
        assert render("{{#each o}}{{@key}}:{{.}} {{/each}}", {"o": {"x": 1, "y": 2}}) == "x:1 y:2 "

    def test_else_when_empty(self) -> None:
        source = "{{#each xs}}{{this}}{{else}}none{{/each}}"
        assert render(source, {"xs": []}) == "none"
        assert render(source, {}) == "none"
        assert render(source, {"xs": "text"}) == "none"

    def test_parent_context(self) -> None:
        source = "{{#each subscription}}{{../contact.firstName}}:{{interest}} {{/each}}"
        assert render(source, ANAYA) == "Anaya:Sports Anaya:Travel Anaya:Cooking "

    def test_nested_each(self) -> None:
        source = "{{#each rows}}[{{#each this}}{{@../index}}{{@index}}{{this}}{{/each}}]{{/each}}"
        assert render(source, {"rows": [["a", "b"], ["c"]]}) == "[00a01b][10c]"

    def test_root(self) -> None:
        assert render("{{#each xs}}{{@root.t}}{{/each}}", {"xs": [1, 2], "t": "!"}) == "!!"


class TestConditionals:
    """SES-ADV "Using basic conditional statements"; HBS ``if``/``unless``/``else``."""

    @pytest.mark.parametrize(
        ("value", "shown"),
        [
            (True, True),
            (False, False),
            (None, False),
            ("", False),
            ("0", True),
            (0, False),
            (0.0, False),
            (1, True),
            ([], False),
            ([0], True),
            ({}, True),
        ],
    )
    def test_truthiness(self, value: object, shown: bool) -> None:
        assert render("{{#if v}}Y{{else}}N{{/if}}", {"v": value}) == ("Y" if shown else "N")
        assert render("{{#unless v}}Y{{else}}N{{/unless}}", {"v": value}) == ("N" if shown else "Y")

    def test_ses_conditional_example(self) -> None:
        source = "Hello {{#if contact.firstName}}{{contact.firstName}}{{else}}there{{/if}}!"
        assert render(source, ANAYA) == "Hello Anaya!"
        assert render(source, {"contact": {}}) == "Hello there!"

    def test_else_if_chain(self) -> None:
        source = "{{#if a}}A{{else if b}}B{{else if c}}C{{else}}D{{/if}}"
        assert [render(source, d) for d in ({"a": 1}, {"b": 1}, {"c": 1}, {})] == [
            "A",
            "B",
            "C",
            "D",
        ]

    def test_with(self) -> None:
        source = "{{#with contact}}{{firstName}} {{lastName}}{{else}}nobody{{/with}}"
        assert render(source, ANAYA) == "Anaya Iyengar"
        assert render(source, {}) == "nobody"

    def test_sections(self) -> None:
        """A block named after data (HBS blockHelperMissing): list, object, true, false."""
        assert render("{{#xs}}{{.}}{{/xs}}", {"xs": [1, 2]}) == "12"
        assert render("{{#o}}{{a}}{{/o}}", {"o": {"a": "x"}}) == "x"
        assert render("{{#t}}yes{{/t}}", {"t": True}) == "yes"
        assert render("{{#f}}yes{{else}}no{{/f}}", {"f": False}) == "no"
        assert render("{{^f}}empty{{/f}}", {"f": []}) == "empty"


class TestPartials:
    """SES-ADV "Creating inline partials"."""

    def test_inline_partial(self) -> None:
        source = (
            '{{#*inline "firstNameCheck"}}{{#if firstName}}{{firstName}}{{else}}Customer{{/if}}'
            "{{/inline}}Hello {{> firstNameCheck}}!"
        )
        assert render(source, {"firstName": "Ana"}) == "Hello Ana!"
        assert render(source, {}) == "Hello Customer!"

    def test_partial_with_context(self) -> None:
        source = "{{#*inline 'p'}}{{firstName}}{{/inline}}{{> p contact}}"
        assert render(source, ANAYA) == "Anaya"

    def test_undefined_partial_is_invalid_template(self) -> None:
        """MODEL InvalidTemplate: "may occur when a template refers to a partial that does not
        exist"."""
        with pytest.raises(TemplateSyntaxError) as info:
            check_parts("s", None, "{{> missing}}")
        assert info.value.part == "html"

    def test_recursive_partial_stops(self) -> None:
        source = "{{#*inline 'p'}}x{{> p}}{{/inline}}{{> p}}"
        with pytest.raises(RenderLimitError):
            render(source, {})


class TestEscaping:
    """SES-ADV: "SES doesn't escape HTML content when rendering the HTML template"."""

    def test_no_escaping_by_default(self) -> None:
        assert render("{{v}}|{{{v}}}|{{&v}}", {"v": "<b>&'</b>"}) == "<b>&'</b>|<b>&'</b>|<b>&'</b>"

    def test_handlebars_escaping_when_asked(self) -> None:
        out = render("{{v}}|{{{v}}}|{{&v}}", {"v": '<a href="x">&\'`=</a>'}, escape_html=True)
        assert out == (
            "&lt;a href&#x3D;&quot;x&quot;&gt;&amp;&#x27;&#x60;&#x3D;&lt;/a&gt;"
            '|<a href="x">&\'`=</a>|<a href="x">&\'`=</a>'
        )

    def test_render_parts_escapes_only_the_html_part(self) -> None:
        parts = render_parts("S {{v}}", "T {{v}}", "H {{v}}", {"v": "<&>"}, escape_html=True)
        assert (parts.subject, parts.text, parts.html) == ("S <&>", "T <&>", "H &lt;&amp;&gt;")


class TestWhitespaceAndComments:
    """HBS: comments, ``~`` whitespace control, standalone block lines, ``\\{{``."""

    def test_comments(self) -> None:
        assert render("A{{! note }}B{{!-- {{x}} --}}C", {}) == "ABC"

    def test_tilde(self) -> None:
        assert render("A  {{~v~}}  B", {"v": "x"}) == "AxB"
        assert render("A \n {{~!-- c --~}} \n B", {}) == "AB"

    def test_standalone_block_lines(self) -> None:
        source = "Items:\n{{#each xs}}\n  - {{this}}\n{{/each}}\nend\n"
        assert render(source, {"xs": ["a", "b"]}) == "Items:\n  - a\n  - b\nend\n"

    def test_crlf_standalone(self) -> None:
        assert render("a\r\n{{#if x}}\r\nb\r\n{{/if}}\r\nc", {"x": 1}) == "a\r\nb\r\nc"

    def test_inline_block_tags_keep_spaces(self) -> None:
        assert render("x {{#if t}} y {{/if}} z", {"t": 1}) == "x  y  z"

    def test_escaped_braces(self) -> None:
        assert render("\\{{name}} {{name}}", {"name": "n"}) == "{{name}} n"


class TestSyntaxErrors:
    @pytest.mark.parametrize(
        ("source", "offset"),
        [
            ("Hi {{name", 3),
            ("{{#if a}}x", 0),
            ("{{#if a}}x{{/each}}", 10),
            ("{{else}}", 0),
            ("{{/if}}", 0),
            ("{{#foo a}}{{/foo}}", 0),
            ("{{if a}}", 0),
            ("{{#each xs as |x|}}{{/each}}", 0),
            ("{{}}", 0),
            ("{{a..b}}", 0),
            ("{{#if}}{{/if}}", 0),
            ("{{!-- never closed", 0),
            ("{{{raw}}", 0),
        ],
    )
    def test_invalid(self, source: str, offset: int) -> None:
        with pytest.raises(TemplateSyntaxError) as info:
            compile_template(source, part="html")
        assert info.value.offset == offset
        assert info.value.part == "html"
        assert str(info.value).startswith(f"html at offset {offset}: ")

    def test_nesting_limit(self) -> None:
        ok = "{{#if a}}" * MAX_NESTING + "{{/if}}" * MAX_NESTING
        compile_template(ok)
        deep = "{{#if a}}" * (MAX_NESTING + 1) + "{{/if}}" * (MAX_NESTING + 1)
        with pytest.raises(TemplateSyntaxError, match="nested deeper"):
            compile_template(deep)

    def test_error_base_is_abstract(self) -> None:
        with pytest.raises(TypeError):
            TemplateError("x")


class TestLimits:
    def test_template_size_boundary(self) -> None:
        """QUOTAS: 500 KB including text and HTML parts."""
        check_parts("s", "a" * (MAX_TEMPLATE_BYTES - 1), None)
        with pytest.raises(TemplateSyntaxError, match="more than 512000"):
            check_parts("s", "a" * MAX_TEMPLATE_BYTES, None)
        with pytest.raises(TemplateSyntaxError):
            check_parts(None, "é" * (MAX_TEMPLATE_BYTES // 2), "x")

    def test_data_length_boundary(self) -> None:
        """MODEL: TemplateData max 262144."""
        body = '{"a":"' + "x" * (MAX_TEMPLATE_DATA - 8) + '"}'
        assert len(body) == MAX_TEMPLATE_DATA
        assert len(parse_template_data(body)["a"]) == MAX_TEMPLATE_DATA - 8
        with pytest.raises(TemplateDataError, match="longer than 262144"):
            parse_template_data(body[:-2] + 'x"}')

    def test_data_depth_boundary(self) -> None:
        def nested(depth: int) -> str:
            return '{"a":' * (depth - 1) + "{}" + "}" * (depth - 1)

        parse_template_data(nested(MAX_DATA_DEPTH))
        with pytest.raises(TemplateDataError, match="deeper"):
            parse_template_data(nested(MAX_DATA_DEPTH + 1))

    def test_very_deep_json_is_a_typed_error(self) -> None:
        with pytest.raises(TemplateDataError):
            parse_template_data('{"a":' + "[" * 100_000 + "]" * 100_000 + "}")

    def test_output_size(self) -> None:
        chunk = "x" * (1024 * 1024)
        source = "{{#each xs}}{{this}}{{/each}}"
        assert len(render(source, {"xs": [chunk] * 10})) == MAX_OUTPUT
        with pytest.raises(RenderLimitError, match="longer than"):
            render(source, {"xs": [chunk] * 10 + ["y"]})

    def test_work_limit(self) -> None:
        source = "{{#each xs}}{{#each ../xs}}{{/each}}{{/each}}"
        with pytest.raises(RenderLimitError, match="steps"):
            render(source, {"xs": list(range(1100))})


class TestTemplateData:
    @pytest.mark.parametrize(
        "text", ["not json", "[1, 2]", '"s"', "null", '{"a": NaN}', '{"a": ' + "9" * 5000 + "}"]
    )
    def test_rejected(self, text: str) -> None:
        with pytest.raises(TemplateDataError) as info:
            parse_template_data(text)
        assert info.value.part == "TemplateData"

    def test_object(self) -> None:
        assert parse_template_data('{"name": "John", "n": [1]}') == {"name": "John", "n": [1]}


class TestBulkMerge:
    """Replacement data merges key by key over the default data, objects recursively, arrays
    replaced (measured on SES: domdomegg/aws-ses-v2-local#102, #103)."""

    def test_per_key(self) -> None:
        default = {"name": "friend", "dayofweek": "Monday", "myname": "Bob"}
        assert merge_template_data(default, {"name": "Jane"}) == {
            "name": "Jane",
            "dayofweek": "Monday",
            "myname": "Bob",
        }

    def test_nested_objects_and_arrays(self) -> None:
        default = {"u": {"a": 1, "b": {"c": 2, "d": 3}}, "xs": [1, 2, 3]}
        replacement = {"u": {"b": {"c": 9}}, "xs": [7]}
        assert merge_template_data(default, replacement) == {
            "u": {"a": 1, "b": {"c": 9, "d": 3}},
            "xs": [7],
        }
        assert default == {"u": {"a": 1, "b": {"c": 2, "d": 3}}, "xs": [1, 2, 3]}


class TestRenderParts:
    def test_subject_text_html(self) -> None:
        """The AWS knowledge-center example template, data complete."""
        parts = render_parts(
            "Hello, {{name}}!",
            "Dear {{name}},\r\nYour favorite color is {{favoritecolor}}.",
            "<h1>Hello {{name}},</h1><p>Your favorite color is {{favoritecolor}}.</p>",
            {"name": "Jane", "favoritecolor": "blue"},
        )
        assert parts.subject == "Hello, Jane!"
        assert parts.text == "Dear Jane,\r\nYour favorite color is blue."
        assert parts.html == "<h1>Hello Jane,</h1><p>Your favorite color is blue.</p>"

    def test_missing_in_html_part(self) -> None:
        with pytest.raises(MissingAttributeError) as info:
            render_parts("Hello, {{name}}!", None, "{{favoritecolor}}", {"name": "Jane"})
        assert info.value.part == "html"

    def test_absent_parts(self) -> None:
        parts = render_parts(None, None, "<p>x</p>", {})
        assert (parts.subject, parts.text, parts.html) == ("", None, "<p>x</p>")


class TestThreads:
    def test_one_template_many_threads(self) -> None:
        template = compile_template("{{#each xs}}{{this}}-{{@index}};{{/each}}")
        results: dict[int, str] = {}

        def work(n: int) -> None:
            results[n] = template.render({"xs": [n] * 50})

        threads = [threading.Thread(target=work, args=(n,)) for n in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert results == {n: "".join(f"{n}-{i};" for i in range(50)) for n in range(16)}


class TestProperties:
    @given(st.text().filter(lambda s: "{{" not in s and "\\" not in s))
    def test_text_without_tags_is_itself(self, text: str) -> None:
        assert render(text, {}) == text

    @given(
        st.dictionaries(
            st.from_regex(r"[a-z]{1,8}", fullmatch=True).filter(lambda k: k not in _KEYWORDS),
            st.text(),
            min_size=1,
        )
    )
    def test_each_key_renders_its_value(self, data: dict[str, str]) -> None:
        source = "|".join("{{" + k + "}}" for k in data)
        assert render(source, data) == "|".join(data.values())

    @given(st.integers(min_value=1, max_value=MAX_NESTING + 3))
    def test_depth_is_accepted_or_typed(self, depth: int) -> None:
        source = "{{#with a}}" * depth + "{{v}}" + "{{/with}}" * depth
        data: dict[str, object] = {"v": "leaf"}
        for _ in range(depth):
            data = {"a": data}
        if depth <= MAX_NESTING:
            assert render(source, data) == "leaf"
        else:
            with pytest.raises(TemplateSyntaxError, match="nested deeper"):
                render(source, data)

    @given(
        st.recursive(
            st.none() | st.integers() | st.text(),
            lambda c: st.lists(c) | st.dictionaries(st.text(), c),
            max_leaves=20,
        )
    )
    def test_any_json_value_parses_in_an_object(self, value: object) -> None:
        assert parse_template_data(json.dumps({"v": value})) == {"v": value}


class TestOneBudgetPerRequest:
    """A request's renders draw on one :class:`Budget` (steps and characters), every part and
    every destination together; the step limit applied per part, and nine ``{{#each}}`` over a
    100,000-item list took 16 s per destination. Steps worked by hand: a loop costs its path's
    lookup (2: the lookup and its one segment) and 2 an item (the item, its text node)."""

    LOOP = "{{#each l}}x{{/each}}"
    DATA: ClassVar[dict[str, Any]] = {"l": [0] * 100_000}

    def test_a_loop_costs_what_was_worked_by_hand(self) -> None:
        budget = Budget()
        compile_template(self.LOOP).render(self.DATA, budget=budget)
        assert budget.steps == MAX_STEPS - (2 + 2 * 100_000)

    def test_the_parts_share_it(self) -> None:
        three = self.LOOP * 3  # 600,006 steps: one part fits, two do not
        compile_parts(three, None, None).render(self.DATA)
        with pytest.raises(RenderLimitError, match=f"more than {MAX_STEPS} steps") as info:
            compile_parts(three, None, three).render(self.DATA)
        assert info.value.part == "html"

    def test_renders_share_it_until_it_is_spent(self) -> None:
        parts = compile_parts(self.LOOP * 2, None, None)  # 400,004 steps each
        budget = Budget()
        parts.render(self.DATA, budget=budget)
        parts.render(self.DATA, budget=budget)
        assert budget.steps == MAX_STEPS - 2 * 400_004
        with pytest.raises(RenderLimitError):
            parts.render(self.DATA, budget=budget)
        assert budget.spent

    def test_characters_are_counted_across_renders(self) -> None:
        budget = Budget()
        chunk = {"v": "x" * (MAX_OUTPUT // 2)}
        compile_template("{{v}}").render(chunk, budget=budget)
        compile_template("{{v}}").render(chunk, budget=budget)
        assert budget.output == 0
        with pytest.raises(RenderLimitError, match="longer than"):
            compile_template("y").render({}, budget=budget)

    @pytest.mark.parametrize(
        ("source", "cost"),
        [
            ("{{a.b.c}}", 4),  # the lookup and three segments
            ("{{#with a}}{{../a.b.c}}{{/with}}", 2 + 5),  # a level up counts as a step
            ("{{l}}", 2 + 4),  # an array printed: its three elements and the array
        ],
    )
    def test_lookups_and_printed_arrays_cost_steps(self, source: str, cost: int) -> None:
        budget = Budget()
        compile_template(source).render({"a": {"b": {"c": 1}}, "l": [1, 2, 3]}, budget=budget)
        assert MAX_STEPS - budget.steps == cost


class TestLinearTokenizing:
    """Comments were found with two searches, one of them to the end of the template whenever
    it was absent: a 512 KB template of comments took 64 s. One scan finds the first ``--}}``
    or ``--~}}``; the results are those of the two searches."""

    @pytest.mark.parametrize(
        ("source", "expected"),
        [
            ("a{{!-- one --}}b{{!-- two --~}}  c", "abc"),
            ("a{{!-- one --~}}  b{{!-- two --}}c", "abc"),
            ("a{{!-- has }} and --} inside --}}b", "ab"),
            ("{{!-- c --}}" * 1000 + "x", "x"),
        ],
    )
    def test_comment_ends(self, source: str, expected: str) -> None:
        assert render(source, {}) == expected

    def test_unclosed_comment_after_closed_ones(self) -> None:
        with pytest.raises(TemplateSyntaxError) as info:
            compile_template("{{!-- a --}}{{!-- b --~}}{{!-- never")
        assert info.value.offset == len("{{!-- a --}}{{!-- b --~}}")
