/*
 * uvm.h: the UVM umbrella header.  Including it gives the external
 * interface of uvm(9) and every structure it names.
 */

#ifndef _UVM_UVM_H_
#define _UVM_UVM_H_

#include <uvm/uvm_param.h>
#include <uvm/uvm_kern.h>
#include <uvm/uvm_extern.h>
#include <uvm/uvm_page.h>
#include <uvm/uvm_physseg.h>
#include <uvm/uvm_object.h>
#include <uvm/uvm_anon.h>
#include <uvm/uvm_amap.h>
#include <uvm/uvm_map.h>
#include <uvm/uvm_swap.h>
#include <uvm/uvm_vnode.h>
#include <uvm/uvm_pmap.h>
#include <uvm/uvm_machine.h>

#endif /* _UVM_UVM_H_ */
