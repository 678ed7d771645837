/* Test-only stand-in for dx-jinzai.exe and dx-jinzai-cli.exe: lets the test suite check the
 * installer's own work (files, shortcuts, uninstall entry, refusal while running) in seconds,
 * without the PyInstaller build. `--version` prints a version; anything else waits for one line
 * on standard input, so the program stays "running" for as long as the test wants. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
    char line[256];
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        puts("dx-jinzai 0.0.0-stand-in");
        return 0;
    }
    if (!fgets(line, sizeof line, stdin))
        return 1;
    return 0;
}
