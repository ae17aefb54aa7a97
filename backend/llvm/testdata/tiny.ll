; kiln model tiny, compiled from its int8 graph.
; Entry points: kiln_tiny_run (int8 in and out), kiln_tiny_run_f32 (float in and out), kiln_tiny_arena_size.
; Arena: 128 bytes per example.

; h.weight.q = param  tiny.kiln:4:13
@h.weight.q = private unnamed_addr constant [48 x i8] c"\CC\BD\EC\81L\BB\7F\96W\DCL\12\81\C5\CC\A9[\D1\AF\1E\8F\AF\7F\E4\EE\F7A4\F0\7F\8E\F9\7F]C\17\CB\84\CC\F0\BC\7Ff\E0\CE\81 \93", align 64
; bias of h.q, plus its input offset -3 times the weights' row sums
@h.q.bias = private unnamed_addr constant [8 x i32] [i32 4823, i32 1326, i32 -2502, i32 3653, i32 -1013, i32 -4674, i32 -5028, i32 -3359], align 64
; per-unit multipliers of h.q
@h.q.mult = private unnamed_addr constant [8 x i32] [i32 1332712454, i32 1447568384, i32 1392929769, i32 1223045875, i32 1395462633, i32 1467298014, i32 1535183406, i32 1428068386], align 64
; per-unit shifts of h.q
@h.q.shift = private unnamed_addr constant [8 x i32] [i32 -6, i32 -6, i32 -6, i32 -6, i32 -6, i32 -6, i32 -7, i32 -6], align 64
; y.weight.q = param  tiny.kiln:5:14
@y.weight.q = private unnamed_addr constant [32 x i8] c"Wq\AF\A8\7F\CA\02\F6\7F\B0\F2\9C!\E5\91\1F\81\DE\1Aw\AD]Fh\121\C4\07F\F2y\81", align 64
; bias of y.q, plus its input offset 128 times the weights' row sums
@y.q.bias = private unnamed_addr constant [4 x i32] [i32 23657, i32 -10685, i32 27327, i32 4479], align 64
; per-unit multipliers of y.q
@y.q.mult = private unnamed_addr constant [4 x i32] [i32 2094130894, i32 2063558269, i32 1105992514, i32 2065668172], align 64
; per-unit shifts of y.q
@y.q.shift = private unnamed_addr constant [4 x i32] [i32 -8, i32 -8, i32 -7, i32 -8], align 64

declare void @llvm.memcpy.p0i8.p0i8.i64(i8* %dst, i8* %src, i64 %len, i1 %volatile)

define internal i32 @kiln_requant(i32 %x, i32 %m, i32 %shift) nounwind {
entry:
	%0 = icmp sgt i32 %shift, 0
	%1 = select i1 %0, i32 %shift, i32 0
	%2 = sub i32 0, %shift
	%3 = select i1 %0, i32 0, i32 %2
	%4 = shl i32 %x, %1
	%5 = icmp eq i32 %4, -2147483648
	%6 = icmp eq i32 %m, -2147483648
	%7 = and i1 %5, %6
	%8 = sext i32 %4 to i64
	%9 = sext i32 %m to i64
	%10 = mul i64 %8, %9
	%11 = icmp sge i64 %10, 0
	%12 = select i1 %11, i64 u0x40000000, i64 -1073741823
	%13 = add i64 %10, %12
	%14 = sdiv i64 %13, u0x80000000
	%15 = trunc i64 %14 to i32
	%16 = select i1 %7, i32 u0x7FFFFFFF, i32 %15
	%17 = shl i32 1, %3
	%18 = sub i32 %17, 1
	%19 = and i32 %16, %18
	%20 = ashr i32 %18, 1
	%21 = icmp slt i32 %16, 0
	%22 = zext i1 %21 to i32
	%23 = add i32 %20, %22
	%24 = icmp sgt i32 %19, %23
	%25 = zext i1 %24 to i32
	%26 = ashr i32 %16, %3
	%27 = add i32 %26, %25
	ret i32 %27
}

define internal void @kiln_qdense(i8* %x, i8* %w, i32* %bias, i32* %mult, i32* %shift, i8* %out, i64 %rows, i64 %in, i64 %units, i32 %out_off, i32 %lo, i32 %hi) nounwind {
entry:
	br label %row

row:
	%row.i = phi i64 [ 0, %entry ], [ %121, %unit.end ]
	%0 = icmp slt i64 %row.i, %rows
	br i1 %0, label %row.body, label %row.end

row.body:
	%1 = mul i64 %row.i, %in
	%2 = getelementptr i8, i8* %x, i64 %1
	%3 = mul i64 %row.i, %units
	%4 = getelementptr i8, i8* %out, i64 %3
	%5 = sdiv i64 %units, 4
	br label %block

row.end:
	ret void

block:
	%block.i = phi i64 [ 0, %row.body ], [ %115, %dot4.end ]
	%6 = icmp slt i64 %block.i, %5
	br i1 %6, label %block.body, label %block.end

block.body:
	%7 = mul i64 %block.i, 4
	%8 = add i64 %7, 0
	%9 = mul i64 %8, %in
	%10 = getelementptr i8, i8* %w, i64 %9
	%11 = add i64 %7, 1
	%12 = mul i64 %11, %in
	%13 = getelementptr i8, i8* %w, i64 %12
	%14 = add i64 %7, 2
	%15 = mul i64 %14, %in
	%16 = getelementptr i8, i8* %w, i64 %15
	%17 = add i64 %7, 3
	%18 = mul i64 %17, %in
	%19 = getelementptr i8, i8* %w, i64 %18
	br label %dot4

block.end:
	%20 = mul i64 %5, 4
	%21 = sub i64 %units, %20
	br label %unit

dot4:
	%dot4.i = phi i64 [ 0, %block.body ], [ %50, %dot4.body ]
	%22 = phi i32 [ 0, %block.body ], [ %34, %dot4.body ]
	%23 = phi i32 [ 0, %block.body ], [ %39, %dot4.body ]
	%24 = phi i32 [ 0, %block.body ], [ %44, %dot4.body ]
	%25 = phi i32 [ 0, %block.body ], [ %49, %dot4.body ]
	%26 = icmp slt i64 %dot4.i, %in
	br i1 %26, label %dot4.body, label %dot4.end

dot4.body:
	%27 = getelementptr i8, i8* %2, i64 %dot4.i
	%28 = load i8, i8* %27
	%29 = sext i8 %28 to i32
	%30 = getelementptr i8, i8* %10, i64 %dot4.i
	%31 = load i8, i8* %30
	%32 = sext i8 %31 to i32
	%33 = mul i32 %32, %29
	%34 = add i32 %22, %33
	%35 = getelementptr i8, i8* %13, i64 %dot4.i
	%36 = load i8, i8* %35
	%37 = sext i8 %36 to i32
	%38 = mul i32 %37, %29
	%39 = add i32 %23, %38
	%40 = getelementptr i8, i8* %16, i64 %dot4.i
	%41 = load i8, i8* %40
	%42 = sext i8 %41 to i32
	%43 = mul i32 %42, %29
	%44 = add i32 %24, %43
	%45 = getelementptr i8, i8* %19, i64 %dot4.i
	%46 = load i8, i8* %45
	%47 = sext i8 %46 to i32
	%48 = mul i32 %47, %29
	%49 = add i32 %25, %48
	%50 = add i64 %dot4.i, 1
	br label %dot4

dot4.end:
	%51 = add i64 %7, 0
	%52 = getelementptr i32, i32* %bias, i64 %51
	%53 = load i32, i32* %52
	%54 = add i32 %22, %53
	%55 = getelementptr i32, i32* %mult, i64 %51
	%56 = load i32, i32* %55
	%57 = getelementptr i32, i32* %shift, i64 %51
	%58 = load i32, i32* %57
	%59 = call i32 @kiln_requant(i32 %54, i32 %56, i32 %58)
	%60 = add i32 %59, %out_off
	%61 = icmp sgt i32 %60, %lo
	%62 = select i1 %61, i32 %60, i32 %lo
	%63 = icmp slt i32 %62, %hi
	%64 = select i1 %63, i32 %62, i32 %hi
	%65 = trunc i32 %64 to i8
	%66 = getelementptr i8, i8* %4, i64 %51
	store i8 %65, i8* %66
	%67 = add i64 %7, 1
	%68 = getelementptr i32, i32* %bias, i64 %67
	%69 = load i32, i32* %68
	%70 = add i32 %23, %69
	%71 = getelementptr i32, i32* %mult, i64 %67
	%72 = load i32, i32* %71
	%73 = getelementptr i32, i32* %shift, i64 %67
	%74 = load i32, i32* %73
	%75 = call i32 @kiln_requant(i32 %70, i32 %72, i32 %74)
	%76 = add i32 %75, %out_off
	%77 = icmp sgt i32 %76, %lo
	%78 = select i1 %77, i32 %76, i32 %lo
	%79 = icmp slt i32 %78, %hi
	%80 = select i1 %79, i32 %78, i32 %hi
	%81 = trunc i32 %80 to i8
	%82 = getelementptr i8, i8* %4, i64 %67
	store i8 %81, i8* %82
	%83 = add i64 %7, 2
	%84 = getelementptr i32, i32* %bias, i64 %83
	%85 = load i32, i32* %84
	%86 = add i32 %24, %85
	%87 = getelementptr i32, i32* %mult, i64 %83
	%88 = load i32, i32* %87
	%89 = getelementptr i32, i32* %shift, i64 %83
	%90 = load i32, i32* %89
	%91 = call i32 @kiln_requant(i32 %86, i32 %88, i32 %90)
	%92 = add i32 %91, %out_off
	%93 = icmp sgt i32 %92, %lo
	%94 = select i1 %93, i32 %92, i32 %lo
	%95 = icmp slt i32 %94, %hi
	%96 = select i1 %95, i32 %94, i32 %hi
	%97 = trunc i32 %96 to i8
	%98 = getelementptr i8, i8* %4, i64 %83
	store i8 %97, i8* %98
	%99 = add i64 %7, 3
	%100 = getelementptr i32, i32* %bias, i64 %99
	%101 = load i32, i32* %100
	%102 = add i32 %25, %101
	%103 = getelementptr i32, i32* %mult, i64 %99
	%104 = load i32, i32* %103
	%105 = getelementptr i32, i32* %shift, i64 %99
	%106 = load i32, i32* %105
	%107 = call i32 @kiln_requant(i32 %102, i32 %104, i32 %106)
	%108 = add i32 %107, %out_off
	%109 = icmp sgt i32 %108, %lo
	%110 = select i1 %109, i32 %108, i32 %lo
	%111 = icmp slt i32 %110, %hi
	%112 = select i1 %111, i32 %110, i32 %hi
	%113 = trunc i32 %112 to i8
	%114 = getelementptr i8, i8* %4, i64 %99
	store i8 %113, i8* %114
	%115 = add i64 %block.i, 1
	br label %block

unit:
	%unit.i = phi i64 [ 0, %block.end ], [ %148, %dot.end ]
	%116 = icmp slt i64 %unit.i, %21
	br i1 %116, label %unit.body, label %unit.end

unit.body:
	%117 = add i64 %20, %unit.i
	%118 = add i64 %117, 0
	%119 = mul i64 %118, %in
	%120 = getelementptr i8, i8* %w, i64 %119
	br label %dot

unit.end:
	%121 = add i64 %row.i, 1
	br label %row

dot:
	%dot.i = phi i64 [ 0, %unit.body ], [ %132, %dot.body ]
	%122 = phi i32 [ 0, %unit.body ], [ %131, %dot.body ]
	%123 = icmp slt i64 %dot.i, %in
	br i1 %123, label %dot.body, label %dot.end

dot.body:
	%124 = getelementptr i8, i8* %2, i64 %dot.i
	%125 = load i8, i8* %124
	%126 = sext i8 %125 to i32
	%127 = getelementptr i8, i8* %120, i64 %dot.i
	%128 = load i8, i8* %127
	%129 = sext i8 %128 to i32
	%130 = mul i32 %129, %126
	%131 = add i32 %122, %130
	%132 = add i64 %dot.i, 1
	br label %dot

dot.end:
	%133 = getelementptr i32, i32* %bias, i64 %117
	%134 = load i32, i32* %133
	%135 = add i32 %122, %134
	%136 = getelementptr i32, i32* %mult, i64 %117
	%137 = load i32, i32* %136
	%138 = getelementptr i32, i32* %shift, i64 %117
	%139 = load i32, i32* %138
	%140 = call i32 @kiln_requant(i32 %135, i32 %137, i32 %139)
	%141 = add i32 %140, %out_off
	%142 = icmp sgt i32 %141, %lo
	%143 = select i1 %142, i32 %141, i32 %lo
	%144 = icmp slt i32 %143, %hi
	%145 = select i1 %144, i32 %143, i32 %hi
	%146 = trunc i32 %145 to i8
	%147 = getelementptr i8, i8* %4, i64 %117
	store i8 %146, i8* %147
	%148 = add i64 %unit.i, 1
	br label %unit
}

define internal void @kiln_quantize(float* %in, i8* %out, i64 %count, float %scale, i32 %zero) nounwind {
entry:
	br label %elems

elems:
	%elems.i = phi i64 [ 0, %entry ], [ %23, %elems.body ]
	%0 = icmp slt i64 %elems.i, %count
	br i1 %0, label %elems.body, label %elems.end

elems.body:
	%1 = getelementptr float, float* %in, i64 %elems.i
	%2 = load float, float* %1
	%3 = fdiv float %2, %scale
	%4 = fpext float %3 to double
	%5 = fcmp uno float %3, %3
	%6 = select i1 %5, double 0.0, double %4
	%7 = fcmp olt double %6, -2.147483648e+09
	%8 = select i1 %7, double -2.147483648e+09, double %6
	%9 = fcmp ogt double %8, 2.147483647e+09
	%10 = select i1 %9, double 2.147483647e+09, double %8
	%11 = fcmp olt double %10, 0.0
	%12 = select i1 %11, double -0.5, double 0.5
	%13 = fadd double %10, %12
	%14 = fptosi double %13 to i64
	%15 = sext i32 %zero to i64
	%16 = add i64 %14, %15
	%17 = icmp slt i64 %16, -128
	%18 = select i1 %17, i64 -128, i64 %16
	%19 = icmp sgt i64 %18, 127
	%20 = select i1 %19, i64 127, i64 %18
	%21 = trunc i64 %20 to i8
	%22 = getelementptr i8, i8* %out, i64 %elems.i
	store i8 %21, i8* %22
	%23 = add i64 %elems.i, 1
	br label %elems

elems.end:
	ret void
}

define internal void @kiln_dequantize(i8* %in, float* %out, i64 %count, float %scale, i32 %zero) nounwind {
entry:
	br label %elems

elems:
	%elems.i = phi i64 [ 0, %entry ], [ %10, %elems.body ]
	%0 = icmp slt i64 %elems.i, %count
	br i1 %0, label %elems.body, label %elems.end

elems.body:
	%1 = getelementptr i8, i8* %in, i64 %elems.i
	%2 = load i8, i8* %1
	%3 = sext i8 %2 to i32
	%4 = sub i32 %3, %zero
	%5 = sitofp i32 %4 to double
	%6 = fpext float %scale to double
	%7 = fmul double %6, %5
	%8 = fptrunc double %7 to float
	%9 = getelementptr float, float* %out, i64 %elems.i
	store float %8, float* %9
	%10 = add i64 %elems.i, 1
	br label %elems

elems.end:
	ret void
}

define i32 @kiln_tiny_run(i32 %n, i8* %x, i8* %y, i8* %arena) nounwind {
entry:
	%0 = icmp slt i32 %n, 1
	br i1 %0, label %bad_batch, label %run

run:
	%n64 = sext i32 %n to i64
	%1 = mul i64 %n64, 6
	; x.q = quantize  tiny.kiln:3:9
	call void @llvm.memcpy.p0i8.p0i8.i64(i8* %arena, i8* %x, i64 %1, i1 false), !kiln.src !0
	%2 = mul i64 %n64, 64
	%3 = getelementptr i8, i8* %arena, i64 %2
	; h.q = qdense  tiny.kiln:4:13
	call void @kiln_qdense(i8* %arena, i8* getelementptr ([48 x i8], [48 x i8]* @h.weight.q, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.bias, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.mult, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.shift, i64 0, i64 0), i8* %3, i64 %n64, i64 6, i64 8, i32 -128, i32 -128, i32 127), !kiln.src !1
	%4 = mul i64 %n64, 64
	%5 = getelementptr i8, i8* %arena, i64 %4
	; y.q = qdense  tiny.kiln:5:14
	call void @kiln_qdense(i8* %5, i8* getelementptr ([32 x i8], [32 x i8]* @y.weight.q, i64 0, i64 0), i32* getelementptr ([4 x i32], [4 x i32]* @y.q.bias, i64 0, i64 0), i32* getelementptr ([4 x i32], [4 x i32]* @y.q.mult, i64 0, i64 0), i32* getelementptr ([4 x i32], [4 x i32]* @y.q.shift, i64 0, i64 0), i8* %arena, i64 %n64, i64 8, i64 4, i32 -46, i32 -128, i32 127), !kiln.src !2
	%6 = mul i64 %n64, 4
	; y = dequantize  tiny.kiln:5:14
	call void @llvm.memcpy.p0i8.p0i8.i64(i8* %y, i8* %arena, i64 %6, i1 false), !kiln.src !3
	ret i32 0

bad_batch:
	ret i32 -1
}

define i32 @kiln_tiny_run_f32(i32 %n, float* %x, float* %y, i8* %arena) nounwind {
entry:
	%0 = icmp slt i32 %n, 1
	br i1 %0, label %bad_batch, label %run

run:
	%n64 = sext i32 %n to i64
	%1 = mul i64 %n64, 6
	; x.q = quantize  tiny.kiln:3:9
	call void @kiln_quantize(float* %x, i8* %arena, i64 %1, float 0x3F97F7A660000000, i32 3), !kiln.src !4
	%2 = mul i64 %n64, 64
	%3 = getelementptr i8, i8* %arena, i64 %2
	; h.q = qdense  tiny.kiln:4:13
	call void @kiln_qdense(i8* %arena, i8* getelementptr ([48 x i8], [48 x i8]* @h.weight.q, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.bias, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.mult, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.shift, i64 0, i64 0), i8* %3, i64 %n64, i64 6, i64 8, i32 -128, i32 -128, i32 127), !kiln.src !5
	%4 = mul i64 %n64, 64
	%5 = getelementptr i8, i8* %arena, i64 %4
	; y.q = qdense  tiny.kiln:5:14
	call void @kiln_qdense(i8* %5, i8* getelementptr ([32 x i8], [32 x i8]* @y.weight.q, i64 0, i64 0), i32* getelementptr ([4 x i32], [4 x i32]* @y.q.bias, i64 0, i64 0), i32* getelementptr ([4 x i32], [4 x i32]* @y.q.mult, i64 0, i64 0), i32* getelementptr ([4 x i32], [4 x i32]* @y.q.shift, i64 0, i64 0), i8* %arena, i64 %n64, i64 8, i64 4, i32 -46, i32 -128, i32 127), !kiln.src !6
	%6 = mul i64 %n64, 4
	; y = dequantize  tiny.kiln:5:14
	call void @kiln_dequantize(i8* %arena, float* %y, i64 %6, float 0x3F73951760000000, i32 -46), !kiln.src !7
	ret i32 0

bad_batch:
	ret i32 -1
}

define i64 @kiln_tiny_arena_size() nounwind {
entry:
	ret i64 128
}

!0 = !{!"x.q = quantize  tiny.kiln:3:9"}
!1 = !{!"h.q = qdense  tiny.kiln:4:13"}
!2 = !{!"y.q = qdense  tiny.kiln:5:14"}
!3 = !{!"y = dequantize  tiny.kiln:5:14"}
!4 = !{!"x.q = quantize  tiny.kiln:3:9"}
!5 = !{!"h.q = qdense  tiny.kiln:4:13"}
!6 = !{!"y.q = qdense  tiny.kiln:5:14"}
!7 = !{!"y = dequantize  tiny.kiln:5:14"}
