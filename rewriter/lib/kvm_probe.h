#ifndef REWIRE_KVM_PROBE_H
#define REWIRE_KVM_PROBE_H

#include <stdbool.h>
#include <stddef.h>

/* Whether KVM, through the open /dev/kvm kvm_fd, runs a guest's SSE
 * instructions. A /dev/kvm that opens is not enough: some nested hosts
 * give one whose vCPUs stop with an emulation failure at the first SSE
 * instruction, which every Go program executes. When not, why (one
 * phrase). */
bool kvm_runs_sse(int kvm_fd, char *why, size_t size);

#endif
