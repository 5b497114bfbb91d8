/* A one-page guest that executes SSE instructions and halts: the test
 * that KVM can run the code of a Go program, not only create a VM. */
#include "kvm_probe.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define GUEST_SIZE 4096
#define MXCSR_AT 0x100

/* 32-bit protected mode, flat segments: what a PVH entry starts in, and
 * runs without unrestricted-guest support. */
static const unsigned char guest_code[] = {
	0x0f, 0x57, 0xc0,			/* xorps %xmm0,%xmm0 */
	0x0f, 0xae, 0x15, MXCSR_AT & 0xff, MXCSR_AT >> 8, 0, 0, /* ldmxcsr MXCSR_AT */
	0xf4,					/* hlt */
};

static bool fail(char *why, size_t size, const char *what)
{
	snprintf(why, size, "KVM: %s: %s", what, strerror(errno));
	return false;
}

static bool run_guest(int vcpu, struct kvm_run *run, char *why, size_t size)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs = { .rip = 0, .rflags = 2, .rsp = GUEST_SIZE - 16 };
	struct kvm_segment code = {
		.limit = 0xffffffff, .selector = 8, .present = 1, .type = 11,
		.db = 1, .s = 1, .g = 1,
	};
	struct kvm_segment data = code;

	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		return fail(why, size, "KVM_GET_SREGS");
	data.type = 3;
	data.selector = 16;
	sregs.cs = code;
	sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = data;
	sregs.cr0 = 0x31;	/* PE, ET, NE */
	sregs.cr4 = 0x600;	/* OSFXSR, OSXMMEXCPT: SSE allowed */
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
		return fail(why, size, "KVM_SET_SREGS");
	if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
		return fail(why, size, "KVM_SET_REGS");
	if (ioctl(vcpu, KVM_RUN, 0) < 0)
		return fail(why, size, "KVM_RUN");
	if (run->exit_reason == KVM_EXIT_HLT)
		return true;
	if (run->exit_reason == KVM_EXIT_INTERNAL_ERROR)
		snprintf(why, size,
			 "KVM here does not run a guest's SSE instructions (internal error, suberror %u, at the first one)",
			 run->internal.suberror);
	else
		snprintf(why, size,
			 "KVM here stopped a guest's SSE instructions (exit reason %u)",
			 run->exit_reason);
	return false;
}

bool kvm_runs_sse(int kvm_fd, char *why, size_t size)
{
	bool ok = false;
	int vm = -1, vcpu = -1;
	void *mem = MAP_FAILED;
	struct kvm_run *run = MAP_FAILED;
	long run_size = 0;

	vm = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	if (vm < 0) {
		fail(why, size, "KVM_CREATE_VM");
		goto out;
	}
	mem = mmap(NULL, GUEST_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		fail(why, size, "guest memory");
		goto out;
	}
	memcpy(mem, guest_code, sizeof(guest_code));
	*(unsigned *)((char *)mem + MXCSR_AT) = 0x1f80;
	struct kvm_userspace_memory_region region = {
		.memory_size = GUEST_SIZE,
		.userspace_addr = (unsigned long)mem,
	};
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		fail(why, size, "KVM_SET_USER_MEMORY_REGION");
		goto out;
	}
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0) {
		fail(why, size, "KVM_CREATE_VCPU");
		goto out;
	}
	run_size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size <= 0) {
		fail(why, size, "KVM_GET_VCPU_MMAP_SIZE");
		goto out;
	}
	run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED) {
		fail(why, size, "the vCPU's run area");
		goto out;
	}
	ok = run_guest(vcpu, run, why, size);
out:
	if (run != MAP_FAILED)
		munmap(run, (size_t)run_size);
	if (vcpu >= 0)
		close(vcpu);
	if (mem != MAP_FAILED)
		munmap(mem, GUEST_SIZE);
	if (vm >= 0)
		close(vm);
	return ok;
}
