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
 */
#define _GNU_SOURCE
#include <link.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

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
