// SPDX-License-Identifier: MIT
/* A library for the dlopen tests of `mseal run`. */
int msl_dltest_fn(int x);

int msl_dltest_fn(int x)
{
	return x + 1;
}
