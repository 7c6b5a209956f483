/* SPDX-License-Identifier: ISC */
/* Unit tests for backend/imap/imap-thread: THREAD response parsing. */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "backend/imap/imap-thread.h"
#include "backend/thread-tree.h"
#include "util/error.h"

/* Parse from an exactly sized copy, so that ASan sees any read past len. */
static GArray *
parse(const char *buf, size_t len, GError **err)
{
	char *copy = g_memdup2(buf, len);
	GArray *nodes = imap_thread_parse(copy, len, err);

	g_free(copy);
	return nodes;
}

/* "uid:depth" for each node; the depths and the invariants fix parents. */
static char *
render(GArray *nodes)
{
	const struct thread_node *v = (const struct thread_node *)nodes->data;
	GString *s = g_string_new(NULL);

	g_assert_true(thread_tree_check(v, nodes->len));
	for (guint i = 0; i < nodes->len; i++)
		g_string_append_printf(s, "%s%u:%u", i > 0 ? " " : "", v[i].uid,
		    v[i].depth);
	return g_string_free(s, FALSE);
}

static void
check(const char *in, const char *expect)
{
	g_autoptr(GError) error = NULL;
	GArray *nodes = parse(in, strlen(in), &error);
	g_autofree char *got = NULL;

	g_assert_no_error(error);
	g_assert_nonnull(nodes);
	got = render(nodes);
	g_assert_cmpstr(got, ==, expect);
	g_array_unref(nodes);
}

static void
check_bad(const char *in, size_t len)
{
	g_autoptr(GError) error = NULL;
	GArray *nodes = parse(in, len, &error);

	if (nodes != NULL)
		g_error("accepted '%.*s'", (int)len, in);
	g_assert_error(error, SKUA_ERROR, SKUA_ERROR_PARSE);
	g_assert_nonnull(strstr(error->message, "at byte"));
}

/* RFC 5256 section 4's example and the one it draws. */
static void
test_rfc_syntax_example(void)
{
	const char *in = "(2)(3 6 (4 23)(44 7 96))";
	g_autoptr(GError) error = NULL;
	GArray *nodes = parse(in, strlen(in), &error);
	const struct thread_node *v;

	check(in, "2:0 3:0 6:1 4:2 23:3 44:2 7:3 96:4");
	g_assert_nonnull(nodes);
	v = (const struct thread_node *)nodes->data;
	g_assert_cmpuint(v[0].parent, ==, THREAD_NONE);
	g_assert_cmpuint(v[1].parent, ==, THREAD_NONE);
	g_assert_cmpuint(v[2].parent, ==, 1); /* 6 under 3 */
	g_assert_cmpuint(v[3].parent, ==, 2); /* 4 under 6 */
	g_assert_cmpuint(v[5].parent, ==, 2); /* 44 under 6 */
	g_assert_cmpuint(v[7].parent, ==, 6); /* 96 under 7 */
	/* Siblings and subtrees through the header's helpers. */
	g_assert_cmpuint(thread_tree_next_sibling(v, nodes->len, 0), ==, 1);
	g_assert_cmpuint(thread_tree_next_sibling(v, nodes->len, 1), ==,
	    THREAD_NONE);
	g_assert_cmpuint(thread_tree_next_sibling(v, nodes->len, 3), ==, 5);
	g_assert_cmpuint(thread_tree_next_sibling(v, nodes->len, 5), ==,
	    THREAD_NONE);
	g_assert_cmpuint(thread_tree_subtree_end(v, nodes->len, 2), ==, 8);
	g_assert_cmpuint(thread_tree_subtree_end(v, nodes->len, 3), ==, 5);
	g_array_unref(nodes);

	check("((3)(5))", "0:0 3:1 5:1");
}

/* The ORDEREDSUBJECT and REFERENCES answers of RFC 5256 section 5. */
static void
test_rfc_session_examples(void)
{
	check("(166)(167)(168)(169)(172)(170)(171)(173)(174 (175)(176)(178)"
	      "(181)(180))(179)(177 (183)(182)(188)(184)(185)(186)(187)(189))"
	      "(190)(191)(192)(193)(194 195)(196 (197)(198))(199)(200 202)"
	      "(201)(203)(204)(205)(206 207)(208)",
	    "166:0 167:0 168:0 169:0 172:0 170:0 171:0 173:0 174:0 175:1 "
	    "176:1 178:1 181:1 180:1 179:0 177:0 183:1 182:1 188:1 184:1 "
	    "185:1 186:1 187:1 189:1 190:0 191:0 192:0 193:0 194:0 195:1 "
	    "196:0 197:1 198:1 199:0 200:0 202:1 201:0 203:0 204:0 205:0 "
	    "206:0 207:1 208:0");
	check("(166)(167)(168)(169)(172)((170)(179))(171)(173)((174)(175)"
	      "(176)(178)(181)(180))((177)(183)(182)(188 (184)(189))(185 186)"
	      "(187))(190)(191)(192)(193)((194)(195 196))(197 198)(199)"
	      "(200 202)(201)(203)(204)(205 206 207)(208)",
	    "166:0 167:0 168:0 169:0 172:0 0:0 170:1 179:1 171:0 173:0 0:0 "
	    "174:1 175:1 176:1 178:1 181:1 180:1 0:0 177:1 183:1 182:1 188:1 "
	    "184:2 189:2 185:1 186:2 187:1 190:0 191:0 192:0 193:0 0:0 194:1 "
	    "195:1 196:2 197:0 198:1 199:0 200:0 202:1 201:0 203:0 204:0 "
	    "205:0 206:1 207:2 208:0");
}

static void
test_empty(void)
{
	check("", "");
	check("\r\n", "");
	check(" ", "");
	/* NULL with no length is an empty answer too. */
	{
		GArray *nodes = imap_thread_parse(NULL, 0, NULL);

		g_assert_nonnull(nodes);
		g_assert_cmpuint(nodes->len, ==, 0);
		g_array_unref(nodes);
	}
}

static void
test_missing_parent(void)
{
	check("((1)(2))", "0:0 1:1 2:1");
	check("(1 ((2)(3))(4))", "1:0 0:1 2:2 3:2 4:1");
	check("(((1)(2))(3))", "0:0 0:1 1:2 2:2 3:1");
	check("((1 2)(3 (4)(5)))", "0:0 1:1 2:2 3:1 4:2 5:2");
}

/* What the grammar does not allow but means one thing only. */
static void
test_lenient(void)
{
	check("(1) (2)", "1:0 2:0");
	check("(1 (2))", "1:0 2:1");
	check("(1 (2) (3))", "1:0 2:1 3:1");
	check("((1))", "0:0 1:1");
	check("(1)(2 3)\r\n", "1:0 2:0 3:1");
	check("(4294967295)", "4294967295:0");
}

static void
test_garbage(void)
{
	static const char *const bad[] = {
		"(",
		")",
		"()",
		"(()",
		"(1",
		"((1)",
		"(1))",
		"1",
		"1 2",
		"(1 )",
		"( 1)",
		"(1  2)",
		"(0)",
		"(01)",
		"(1 0)",
		"(4294967296)",
		"(99999999999999999999)",
		"(1)(1)",
		"(1 2 (3)(1))",
		"(1(2))",
		"(1 (2) 3)",
		"((1) 2)",
		"(a)",
		"(1)x",
		" (1)",
		"(1,2)",
		"(-1)",
		"(+1)",
		"(1)\r\n(2)",
		"(1 2)3",
		"(1)(",
		"(1)((",
		"(1\t2)",
		"(1) ",
		"((1)(2)) x",
		"*THREAD (1)",
		"(1)\n)",
		"(()(1))",
		"((1)())",
	};

	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		/* "(1) " is fine: trailing spaces go. */
		if (strcmp(bad[i], "(1) ") == 0) {
			check(bad[i], "1:0");
			continue;
		}
		check_bad(bad[i], strlen(bad[i]));
	}
	/* A NUL byte is not an end. */
	check_bad("(1)\0(2)", 7);
	check_bad("(1\0)", 4);
}

/* Every prefix of a valid answer parses or fails cleanly. */
static void
test_prefixes(void)
{
	static const char *const good[] = {
		"(2)(3 6 (4 23)(44 7 96))",
		"(166)(167)((170)(179))((177)(183)(182)(188 (184)(189))"
		"(185 186)(187))(205 206 207)",
		"((1)(2))(3 ((4)(5 (6)(7)))(8))",
		"(4294967295 1)\r\n",
	};

	for (size_t i = 0; i < G_N_ELEMENTS(good); i++) {
		size_t len = strlen(good[i]);

		for (size_t cut = 0; cut <= len; cut++) {
			g_autoptr(GError) error = NULL;
			GArray *nodes = parse(good[i], cut, &error);

			if (nodes == NULL) {
				g_assert_error(error, SKUA_ERROR,
				    SKUA_ERROR_PARSE);
				continue;
			}
			g_assert_no_error(error);
			g_assert_true(
			    thread_tree_check((const struct thread_node *)
						  nodes->data,
				nodes->len));
			g_array_unref(nodes);
		}
	}
}

/* Random junk from the answer's own alphabet. */
static void
test_random_junk(void)
{
	static const char alphabet[] = "((()))) 1230\r\n";

	for (int round = 0; round < 50000; round++) {
		char in[24];
		size_t len = (size_t)g_test_rand_int_range(0, sizeof(in));
		g_autoptr(GError) error = NULL;
		GArray *nodes;

		for (size_t i = 0; i < len; i++)
			in[i] = alphabet[g_test_rand_int_range(0,
			    sizeof(alphabet) - 1)];
		nodes = parse(in, len, &error);
		if (nodes == NULL) {
			g_assert_error(error, SKUA_ERROR, SKUA_ERROR_PARSE);
			continue;
		}
		g_assert_true(
		    thread_tree_check((const struct thread_node *)nodes->data,
			nodes->len));
		g_array_unref(nodes);
	}
}

static char *
nested(unsigned levels)
{
	GString *s = g_string_new(NULL);

	for (unsigned i = 0; i < levels; i++)
		g_string_append_c(s, '(');
	g_string_append_c(s, '1');
	for (unsigned i = 0; i < levels; i++)
		g_string_append_c(s, ')');
	return g_string_free(s, FALSE);
}

static void
test_nesting_limit(void)
{
	g_autofree char *ok = nested(IMAP_THREAD_MAX_NESTING);
	g_autofree char *deep = nested(IMAP_THREAD_MAX_NESTING + 1);
	g_autofree char *huge = nested(1000000);
	g_autoptr(GError) error = NULL;
	GArray *nodes = parse(ok, strlen(ok), &error);

	g_assert_no_error(error);
	/* A missing parent per level but the last, then the message. */
	g_assert_cmpuint(nodes->len, ==, IMAP_THREAD_MAX_NESTING);
	g_assert_true(thread_tree_check((const struct thread_node *)nodes->data,
	    nodes->len));
	g_array_unref(nodes);
	check_bad(deep, strlen(deep));
	check_bad(huge, strlen(huge));
}

/* Long chains and many threads are not nesting: they are fine. */
static void
test_long_chain(void)
{
	GString *chain = g_string_new("("), *flat = g_string_new(NULL);
	const guint n = 100000;
	GArray *nodes;
	const struct thread_node *v;

	for (guint i = 1; i <= n; i++) {
		g_string_append_printf(chain, "%s%u", i > 1 ? " " : "", i);
		g_string_append_printf(flat, "(%u)", i);
	}
	g_string_append_c(chain, ')');
	nodes = parse(chain->str, chain->len, NULL);
	g_assert_nonnull(nodes);
	g_assert_cmpuint(nodes->len, ==, n);
	v = (const struct thread_node *)nodes->data;
	g_assert_cmpuint(v[n - 1].depth, ==, n - 1);
	g_assert_cmpuint(v[n - 1].parent, ==, n - 2);
	g_assert_true(thread_tree_check(v, nodes->len));
	g_array_unref(nodes);

	nodes = parse(flat->str, flat->len, NULL);
	g_assert_nonnull(nodes);
	g_assert_cmpuint(nodes->len, ==, n);
	g_array_unref(nodes);
	g_string_free(chain, TRUE);
	g_string_free(flat, TRUE);
}

/* IMAP_THREAD_MAX_NODES nodes pass, one more fails. Missing parents make
 * the answer short: "((1)(2))" is 3 nodes. */
static void
test_node_limit(void)
{
	GString *s = g_string_sized_new(12 * (IMAP_THREAD_MAX_NODES / 3));
	guint uid = 1, count = 0;
	GArray *nodes;
	g_autoptr(GError) error = NULL;

	while (count + 3 <= IMAP_THREAD_MAX_NODES) {
		g_string_append_printf(s, "((%u)(%u))", uid, uid + 1);
		uid += 2;
		count += 3;
	}
	while (count < IMAP_THREAD_MAX_NODES) {
		g_string_append_printf(s, "(%u)", uid++);
		count++;
	}
	nodes = parse(s->str, s->len, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(nodes->len, ==, IMAP_THREAD_MAX_NODES);
	g_array_unref(nodes);
	g_string_append_printf(s, "(%u)", uid);
	check_bad(s->str, s->len);
	g_string_free(s, TRUE);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/imap-thread/rfc-syntax-example",
	    test_rfc_syntax_example);
	g_test_add_func("/imap-thread/rfc-session-examples",
	    test_rfc_session_examples);
	g_test_add_func("/imap-thread/empty", test_empty);
	g_test_add_func("/imap-thread/missing-parent", test_missing_parent);
	g_test_add_func("/imap-thread/lenient", test_lenient);
	g_test_add_func("/imap-thread/garbage", test_garbage);
	g_test_add_func("/imap-thread/prefixes", test_prefixes);
	g_test_add_func("/imap-thread/random-junk", test_random_junk);
	g_test_add_func("/imap-thread/nesting-limit", test_nesting_limit);
	g_test_add_func("/imap-thread/long-chain", test_long_chain);
	g_test_add_func("/imap-thread/node-limit", test_node_limit);
	return g_test_run();
}
