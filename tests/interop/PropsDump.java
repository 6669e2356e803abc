/* SPDX-License-Identifier: ISC */
/*
 * PropsDump.java -- what java.util.Properties.load(InputStream) reads, for
 * props-oracle.sh (compiled at test time).  For each file argument:
 *
 *	== FILE
 *	[key] => [value]	keys sorted (String order); every char outside
 *				0x20-0x7e, and \ [ ], written as \\uxxxx
 *	ERROR malformed		when load throws IllegalArgumentException
 *
 * tests/tools/props-dump.c prints ours the same way.
 */
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.TreeSet;

public class PropsDump {
	private static void esc(StringBuilder sb, String s) {
		for (int i = 0; i < s.length(); i++) {
			char c = s.charAt(i);
			if (c >= 0x20 && c < 0x7f && c != '\\' && c != '[' &&
			    c != ']')
				sb.append(c);
			else
				sb.append(String.format("\\u%04x", (int)c));
		}
	}

	public static void main(String[] args) throws IOException {
		StringBuilder sb = new StringBuilder();

		for (String f : args) {
			sb.append("== ").append(f).append('\n');
			Properties p = new Properties();
			try (InputStream in = new FileInputStream(f)) {
				p.load(in);
			} catch (IllegalArgumentException e) {
				sb.append("ERROR malformed\n");
				continue;
			}
			for (String k : new TreeSet<>(p.stringPropertyNames())) {
				sb.append('[');
				esc(sb, k);
				sb.append("] => [");
				esc(sb, p.getProperty(k));
				sb.append("]\n");
			}
		}
		System.out.write(sb.toString().getBytes(
		    StandardCharsets.ISO_8859_1));
		System.out.flush();
	}
}
