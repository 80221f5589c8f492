/*
 * Start-up prefault for the Native AOT binary on Linux (issue 15; docs/benchmarks.md, "Start-up: the type data's pages
 * faulted in one call").
 *
 * Before main, the .NET runtime expands the binary's dehydrated type data into the zero-initialised `.hydrated` section
 * (about 11 MB, right after `.bss` in the writable segment) and writes every page of it. Touched one page at a time,
 * that is ~2,800 page faults, and on a virtual machine a fault costs several microseconds: most of the CPU of
 * `forge --version`. This constructor runs before main (it is in .init_array) and asks the kernel for the whole
 * zero-initialised part of the writable segment in one madvise(MADV_POPULATE_WRITE) call, after MADV_HUGEPAGE so the
 * kernel may back it with transparent huge pages where it allows them. The pages hold zeros either way, as before; the
 * runtime writes them all a few milliseconds later, so resident memory does not grow by more than the unused tail of
 * `.bss`.
 *
 * Every call here is advice: on a kernel without MADV_POPULATE_WRITE (before 5.14) or with transparent huge pages off,
 * madvise fails or is ignored and the pages fault in one by one, as they did before. FORGE_PREFAULT=0 turns it off;
 * FORGE_PREFAULT=small prefaults without the huge-page advice.
 *
 * Single-threaded by construction: constructors run on the main thread before the runtime starts any thread.
 *
 * forge_release_read_only_pages, called by Program.Main once the runtime is up, drops the pages start-up read from the
 * program's read-only data segment (see there).
 *
 * forge_version_fast_path answers `forge --version` before any of that (see there).
 */
#define _GNU_SOURCE
#include <elf.h>
#include <link.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <errno.h>
#include <unistd.h>

/*
 * `forge --version` (exactly that one argument) is answered here, before the runtime starts: the build defines
 * FORGE_INFORMATIONAL_VERSION as the same version+build kind the managed code has as ForgeBuildVersion.Informational,
 * and this constructor runs first (priority 101, before the prefault's), writes it and ends the process. The .NET runtime's
 * own start (rehydrating ~11 MB of type data, its threads, the GC heap) is most of what a version query cost, and
 * scripts and installers call it the most. Every other command line returns from here at once and starts as before;
 * Program.Main keeps its own --version answer for the JIT and ReadyToRun builds, which do not link this file.
 *
 * glibc passes argc/argv to the program's constructors; elsewhere (musl) they are not given, so the fast path is compiled
 * only for glibc. _exit, not exit: constructors of lower priority (libraries', the prefault's) have not run, so no
 * destructor may.
 */
#if defined(__GLIBC__) && defined(FORGE_INFORMATIONAL_VERSION)
__attribute__((constructor(101))) static void forge_version_fast_path(int argc, char **argv, char **envp)
{
    (void)envp;
    if (argc != 2 || argv == NULL || argv[1] == NULL || strcmp(argv[1], "--version") != 0)
        return;
    static const char text[] = FORGE_INFORMATIONAL_VERSION "\n";
    size_t written = 0;
    while (written < sizeof text - 1) {
        ssize_t n = write(STDOUT_FILENO, text + written, sizeof text - 1 - written);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break; /* as Console.Out does for a closed or broken stdout: nothing more to say, still a success */
        written += (size_t)n;
    }
    _exit(0);
}
#endif

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

static int forge_prefault_segment(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    int use_huge_pages = *(const int *)data;
    /* The system's page size (4 KiB on x86-64, 4, 16 or 64 KiB on arm64): madvise refuses a start that is not on a page boundary. */
    long page_size = sysconf(_SC_PAGESIZE);
    uintptr_t page = page_size > 0 ? (uintptr_t)page_size : 4096;
    /* The first object is the program itself (empty name); libraries follow. */
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *segment = &info->dlpi_phdr[i];
        if (segment->p_type != PT_LOAD || !(segment->p_flags & PF_W) || segment->p_memsz <= segment->p_filesz)
            continue;
        uintptr_t start = (info->dlpi_addr + segment->p_vaddr + segment->p_filesz + page - 1) & ~(page - 1);
        uintptr_t end = (info->dlpi_addr + segment->p_vaddr + segment->p_memsz + page - 1) & ~(page - 1);
        if (end <= start)
            continue;
        if (use_huge_pages)
            (void)madvise((void *)start, end - start, MADV_HUGEPAGE);
        (void)madvise((void *)start, end - start, MADV_POPULATE_WRITE);
    }
    return 1; /* the program only */
}

__attribute__((constructor)) static void forge_prefault(void)
{
    const char *setting = getenv("FORGE_PREFAULT");
    if (setting != NULL && strcmp(setting, "0") == 0)
        return;
    int use_huge_pages = !(setting != NULL && strcmp(setting, "small") == 0);
    (void)dl_iterate_phdr(forge_prefault_segment, &use_huge_pages);
}

/* True when the program's dynamic section asks for text relocations: the loader then writes into segments that are
 * mapped read-only afterwards, and their pages no longer equal the file's. */
static int forge_has_text_relocations(struct dl_phdr_info *info)
{
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *segment = &info->dlpi_phdr[i];
        if (segment->p_type != PT_DYNAMIC)
            continue;
        for (const ElfW(Dyn) *d = (const ElfW(Dyn) *)(info->dlpi_addr + segment->p_vaddr); d->d_tag != DT_NULL; d++) {
            if (d->d_tag == DT_TEXTREL || (d->d_tag == DT_FLAGS && (d->d_un.d_val & DF_TEXTREL)))
                return 1;
        }
    }
    return 0;
}

static int forge_release_segment(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    (void)data;
    long page_size = sysconf(_SC_PAGESIZE);
    uintptr_t page = page_size > 0 ? (uintptr_t)page_size : 4096;
    if (forge_has_text_relocations(info))
        return 1;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *segment = &info->dlpi_phdr[i];
        /* Read-only data only: never the code, never a writable segment (its relocated and RELRO pages differ from
         * the file and would be lost). */
        if (segment->p_type != PT_LOAD || (segment->p_flags & (PF_W | PF_X)) != 0)
            continue;
        uintptr_t start = (info->dlpi_addr + segment->p_vaddr + page - 1) & ~(page - 1);
        uintptr_t end = (info->dlpi_addr + segment->p_vaddr + segment->p_filesz) & ~(page - 1);
        if (end > start)
            (void)madvise((void *)start, end - start, MADV_DONTNEED);
    }
    return 1; /* the program only */
}

/*
 * Before main the runtime reads the binary's dehydrated type data (about 5 MB of .rodata) once, to expand it into
 * .hydrated; it never reads it again, yet its pages stay mapped, and count in the process's resident memory, for the
 * whole run. Program.Main calls this once the runtime is up: it drops this process's mapping of every page of the
 * program's read-only, non-executable segments (.rodata, the EH tables). Those segments are mapped without write
 * permission and the program has no text relocations, so every page still equals the file: a page used later (a type's
 * hash table, a string literal, an EH table) comes back from the page cache on first touch, with its neighbours, as on
 * the first run. Advice only; FORGE_RELEASE_PAGES=0 turns it off. Safe from any thread at any time: a dropped page
 * reads back the same bytes, so a thread reading it meanwhile sees no difference.
 */
void forge_release_read_only_pages(void)
{
    const char *setting = getenv("FORGE_RELEASE_PAGES");
    if (setting != NULL && strcmp(setting, "0") == 0)
        return;
    (void)dl_iterate_phdr(forge_release_segment, NULL);
}
