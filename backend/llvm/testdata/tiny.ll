; kiln model tiny, compiled from its int8 graph.
; Entry points: kiln_tiny_run (int8 in and out), kiln_tiny_run_f32 (float in and out), kiln_tiny_arena_size.
; Dot products: the generic form.
; Arena: 144 bytes per example.

; h.weight.q = param  tiny.kiln:4:13 packed in panels of 8 units, each 2 quads: 4 inputs of each unit in turn (zeros past its 6 inputs)
@h.weight.q.packed = private unnamed_addr constant [64 x i8] c"\CC\BD\EC\81\7F\96W\DC\81\C5\CC\A9\AF\1E\8F\AF\EE\F7A4\8E\F9\7F]\CB\84\CC\F0f\E0\CE\81L\BB\00\00L\12\00\00[\D1\00\00\7F\E4\00\00\F0\7F\00\00C\17\00\00\BC\7F\00\00 \93\00\00", align 64
; bias of h.q, plus its input offset -3 times the weights' row sums
@h.q.bias = private unnamed_addr constant [8 x i32] [i32 4823, i32 1326, i32 -2502, i32 3653, i32 -1013, i32 -4674, i32 -5028, i32 -3359], align 64
; per-unit multipliers of h.q
@h.q.mult = private unnamed_addr constant [8 x i32] [i32 1332712454, i32 1447568384, i32 1392929769, i32 1223045875, i32 1395462633, i32 1467298014, i32 1535183406, i32 1428068386], align 64
; per-unit shifts of h.q
@h.q.shift = private unnamed_addr constant [8 x i32] [i32 -6, i32 -6, i32 -6, i32 -6, i32 -6, i32 -6, i32 -7, i32 -6], align 64
; y.weight.q = param  tiny.kiln:5:14 packed in panels of 8 units, each 2 quads: 4 inputs of each unit in turn (zeros past its 8 inputs)
@y.weight.q.packed = private unnamed_addr constant [64 x i8] c"Wq\AF\A8\7F\B0\F2\9C\81\DE\1Aw\121\C4\07\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\7F\CA\02\F6!\E5\91\1F\AD]FhF\F2y\81\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00", align 64
; bias of y.q, plus its input offset 128 times the weights' row sums
@y.q.bias = private unnamed_addr constant [8 x i32] [i32 23657, i32 -10685, i32 27327, i32 4479, i32 0, i32 0, i32 0, i32 0], align 64
; per-unit multipliers of y.q
@y.q.mult = private unnamed_addr constant [8 x i32] [i32 2094130894, i32 2063558269, i32 1105992514, i32 2065668172, i32 0, i32 0, i32 0, i32 0], align 64
; per-unit shifts of y.q
@y.q.shift = private unnamed_addr constant [8 x i32] [i32 -8, i32 -8, i32 -7, i32 -8, i32 0, i32 0, i32 0, i32 0], align 64

declare void @llvm.memcpy.p0i8.p0i8.i64(i8* %dst, i8* %src, i64 %len, i1 %volatile)

define internal void @kiln_qdense_h_q(i8* %x, i8* %w, i32* %bias, i32* %mult, i32* %shift, i8* %out, i64 %n, i8* %scratch) nounwind {
entry:
	call void @kiln_prepare_a(i8* %x, i8* %scratch, i64 %n, i64 6, i64 8)
	%0 = icmp sge i64 %n, 6
	br i1 %0, label %tall, label %short

tall:
	%1 = sdiv i64 %n, 6
	br label %rows

short:
	switch i64 %n, label %case.end.1 [
		i64 1, label %case1.1
		i64 2, label %case2.1
		i64 3, label %case3.1
		i64 4, label %case4.1
		i64 5, label %case5.1
	]

rows.done:
	ret void

rows:
	%rows.i = phi i64 [ 0, %tall ], [ %13, %panels6x1.end ]
	%2 = icmp slt i64 %rows.i, %1
	br i1 %2, label %rows.body, label %rows.end

rows.body:
	%3 = mul i64 %rows.i, 6
	br label %panels6x1

rows.end:
	%4 = srem i64 %n, 6
	%5 = sub i64 %n, %4
	switch i64 %4, label %case.end [
		i64 1, label %case1
		i64 2, label %case2
		i64 3, label %case3
		i64 4, label %case4
		i64 5, label %case5
	]

panels6x1:
	%panels6x1.i = phi i64 [ 0, %rows.body ], [ %12, %panels6x1.body ]
	%6 = icmp slt i64 %panels6x1.i, 1
	br i1 %6, label %panels6x1.body, label %panels6x1.end

panels6x1.body:
	%7 = mul i64 %panels6x1.i, 1
	%8 = mul i64 %3, 16
	%9 = getelementptr i8, i8* %scratch, i64 %8
	%10 = mul i64 %3, 8
	%11 = getelementptr i8, i8* %out, i64 %10
	call void @kiln_tile6x1(i64 2, i8* %9, i64 16, i8* %w, i64 64, i64 %7, i64 8, i32* %bias, i32* %mult, i32* %shift, i8* %11, i64 8, i32 -128, i32 -128, i32 127)
	%12 = add i64 %panels6x1.i, 1
	br label %panels6x1

panels6x1.end:
	%13 = add i64 %rows.i, 1
	br label %rows

case.end:
	br label %rows.done

case1:
	br label %panels1x1

panels1x1:
	%panels1x1.i = phi i64 [ 0, %case1 ], [ %20, %panels1x1.body ]
	%14 = icmp slt i64 %panels1x1.i, 1
	br i1 %14, label %panels1x1.body, label %panels1x1.end

panels1x1.body:
	%15 = mul i64 %panels1x1.i, 1
	%16 = mul i64 %5, 16
	%17 = getelementptr i8, i8* %scratch, i64 %16
	%18 = mul i64 %5, 8
	%19 = getelementptr i8, i8* %out, i64 %18
	call void @kiln_tile1x1(i64 2, i8* %17, i64 16, i8* %w, i64 64, i64 %15, i64 8, i32* %bias, i32* %mult, i32* %shift, i8* %19, i64 8, i32 -128, i32 -128, i32 127)
	%20 = add i64 %panels1x1.i, 1
	br label %panels1x1

panels1x1.end:
	br label %case.end

case2:
	br label %panels2x1

panels2x1:
	%panels2x1.i = phi i64 [ 0, %case2 ], [ %27, %panels2x1.body ]
	%21 = icmp slt i64 %panels2x1.i, 1
	br i1 %21, label %panels2x1.body, label %panels2x1.end

panels2x1.body:
	%22 = mul i64 %panels2x1.i, 1
	%23 = mul i64 %5, 16
	%24 = getelementptr i8, i8* %scratch, i64 %23
	%25 = mul i64 %5, 8
	%26 = getelementptr i8, i8* %out, i64 %25
	call void @kiln_tile2x1(i64 2, i8* %24, i64 16, i8* %w, i64 64, i64 %22, i64 8, i32* %bias, i32* %mult, i32* %shift, i8* %26, i64 8, i32 -128, i32 -128, i32 127)
	%27 = add i64 %panels2x1.i, 1
	br label %panels2x1

panels2x1.end:
	br label %case.end

case3:
	br label %panels3x1

panels3x1:
	%panels3x1.i = phi i64 [ 0, %case3 ], [ %34, %panels3x1.body ]
	%28 = icmp slt i64 %panels3x1.i, 1
	br i1 %28, label %panels3x1.body, label %panels3x1.end

panels3x1.body:
	%29 = mul i64 %panels3x1.i, 1
	%30 = mul i64 %5, 16
	%31 = getelementptr i8, i8* %scratch, i64 %30
	%32 = mul i64 %5, 8
	%33 = getelementptr i8, i8* %out, i64 %32
	call void @kiln_tile3x1(i64 2, i8* %31, i64 16, i8* %w, i64 64, i64 %29, i64 8, i32* %bias, i32* %mult, i32* %shift, i8* %33, i64 8, i32 -128, i32 -128, i32 127)
	%34 = add i64 %panels3x1.i, 1
	br label %panels3x1

panels3x1.end:
	br label %case.end

case4:
	br label %panels4x1

panels4x1:
	%panels4x1.i = phi i64 [ 0, %case4 ], [ %41, %panels4x1.body ]
	%35 = icmp slt i64 %panels4x1.i, 1
	br i1 %35, label %panels4x1.body, label %panels4x1.end

panels4x1.body:
	%36 = mul i64 %panels4x1.i, 1
	%37 = mul i64 %5, 16
	%38 = getelementptr i8, i8* %scratch, i64 %37
	%39 = mul i64 %5, 8
	%40 = getelementptr i8, i8* %out, i64 %39
	call void @kiln_tile4x1(i64 2, i8* %38, i64 16, i8* %w, i64 64, i64 %36, i64 8, i32* %bias, i32* %mult, i32* %shift, i8* %40, i64 8, i32 -128, i32 -128, i32 127)
	%41 = add i64 %panels4x1.i, 1
	br label %panels4x1

panels4x1.end:
	br label %case.end

case5:
	br label %panels5x1

panels5x1:
	%panels5x1.i = phi i64 [ 0, %case5 ], [ %48, %panels5x1.body ]
	%42 = icmp slt i64 %panels5x1.i, 1
	br i1 %42, label %panels5x1.body, label %panels5x1.end

panels5x1.body:
	%43 = mul i64 %panels5x1.i, 1
	%44 = mul i64 %5, 16
	%45 = getelementptr i8, i8* %scratch, i64 %44
	%46 = mul i64 %5, 8
	%47 = getelementptr i8, i8* %out, i64 %46
	call void @kiln_tile5x1(i64 2, i8* %45, i64 16, i8* %w, i64 64, i64 %43, i64 8, i32* %bias, i32* %mult, i32* %shift, i8* %47, i64 8, i32 -128, i32 -128, i32 127)
	%48 = add i64 %panels5x1.i, 1
	br label %panels5x1

panels5x1.end:
	br label %case.end

case.end.1:
	br label %rows.done

case1.1:
	br label %panels1x1.1

panels1x1.1:
	%panels1x1.1.i = phi i64 [ 0, %case1.1 ], [ %55, %panels1x1.1.body ]
	%49 = icmp slt i64 %panels1x1.1.i, 1
	br i1 %49, label %panels1x1.1.body, label %panels1x1.1.end

panels1x1.1.body:
	%50 = mul i64 %panels1x1.1.i, 1
	%51 = mul i64 0, 16
	%52 = getelementptr i8, i8* %scratch, i64 %51
	%53 = mul i64 0, 8
	%54 = getelementptr i8, i8* %out, i64 %53
	call void @kiln_tile1x1(i64 2, i8* %52, i64 16, i8* %w, i64 64, i64 %50, i64 8, i32* %bias, i32* %mult, i32* %shift, i8* %54, i64 8, i32 -128, i32 -128, i32 127)
	%55 = add i64 %panels1x1.1.i, 1
	br label %panels1x1.1

panels1x1.1.end:
	br label %case.end.1

case2.1:
	br label %panels2x1.1

panels2x1.1:
	%panels2x1.1.i = phi i64 [ 0, %case2.1 ], [ %62, %panels2x1.1.body ]
	%56 = icmp slt i64 %panels2x1.1.i, 1
	br i1 %56, label %panels2x1.1.body, label %panels2x1.1.end

panels2x1.1.body:
	%57 = mul i64 %panels2x1.1.i, 1
	%58 = mul i64 0, 16
	%59 = getelementptr i8, i8* %scratch, i64 %58
	%60 = mul i64 0, 8
	%61 = getelementptr i8, i8* %out, i64 %60
	call void @kiln_tile2x1(i64 2, i8* %59, i64 16, i8* %w, i64 64, i64 %57, i64 8, i32* %bias, i32* %mult, i32* %shift, i8* %61, i64 8, i32 -128, i32 -128, i32 127)
	%62 = add i64 %panels2x1.1.i, 1
	br label %panels2x1.1

panels2x1.1.end:
	br label %case.end.1

case3.1:
	br label %panels3x1.1

panels3x1.1:
	%panels3x1.1.i = phi i64 [ 0, %case3.1 ], [ %69, %panels3x1.1.body ]
	%63 = icmp slt i64 %panels3x1.1.i, 1
	br i1 %63, label %panels3x1.1.body, label %panels3x1.1.end

panels3x1.1.body:
	%64 = mul i64 %panels3x1.1.i, 1
	%65 = mul i64 0, 16
	%66 = getelementptr i8, i8* %scratch, i64 %65
	%67 = mul i64 0, 8
	%68 = getelementptr i8, i8* %out, i64 %67
	call void @kiln_tile3x1(i64 2, i8* %66, i64 16, i8* %w, i64 64, i64 %64, i64 8, i32* %bias, i32* %mult, i32* %shift, i8* %68, i64 8, i32 -128, i32 -128, i32 127)
	%69 = add i64 %panels3x1.1.i, 1
	br label %panels3x1.1

panels3x1.1.end:
	br label %case.end.1

case4.1:
	br label %panels4x1.1

panels4x1.1:
	%panels4x1.1.i = phi i64 [ 0, %case4.1 ], [ %76, %panels4x1.1.body ]
	%70 = icmp slt i64 %panels4x1.1.i, 1
	br i1 %70, label %panels4x1.1.body, label %panels4x1.1.end

panels4x1.1.body:
	%71 = mul i64 %panels4x1.1.i, 1
	%72 = mul i64 0, 16
	%73 = getelementptr i8, i8* %scratch, i64 %72
	%74 = mul i64 0, 8
	%75 = getelementptr i8, i8* %out, i64 %74
	call void @kiln_tile4x1(i64 2, i8* %73, i64 16, i8* %w, i64 64, i64 %71, i64 8, i32* %bias, i32* %mult, i32* %shift, i8* %75, i64 8, i32 -128, i32 -128, i32 127)
	%76 = add i64 %panels4x1.1.i, 1
	br label %panels4x1.1

panels4x1.1.end:
	br label %case.end.1

case5.1:
	br label %panels5x1.1

panels5x1.1:
	%panels5x1.1.i = phi i64 [ 0, %case5.1 ], [ %83, %panels5x1.1.body ]
	%77 = icmp slt i64 %panels5x1.1.i, 1
	br i1 %77, label %panels5x1.1.body, label %panels5x1.1.end

panels5x1.1.body:
	%78 = mul i64 %panels5x1.1.i, 1
	%79 = mul i64 0, 16
	%80 = getelementptr i8, i8* %scratch, i64 %79
	%81 = mul i64 0, 8
	%82 = getelementptr i8, i8* %out, i64 %81
	call void @kiln_tile5x1(i64 2, i8* %80, i64 16, i8* %w, i64 64, i64 %78, i64 8, i32* %bias, i32* %mult, i32* %shift, i8* %82, i64 8, i32 -128, i32 -128, i32 127)
	%83 = add i64 %panels5x1.1.i, 1
	br label %panels5x1.1

panels5x1.1.end:
	br label %case.end.1
}

define internal void @kiln_prepare_a(i8* %x, i8* %xa, i64 %rows, i64 %in, i64 %ld) nounwind {
entry:
	%0 = bitcast i8* %xa to i16*
	br label %row

row:
	%row.i = phi i64 [ 0, %entry ], [ %17, %pad.end ]
	%1 = icmp slt i64 %row.i, %rows
	br i1 %1, label %row.body, label %row.end

row.body:
	%2 = mul i64 %row.i, %in
	%3 = getelementptr i8, i8* %x, i64 %2
	%4 = mul i64 %row.i, %ld
	%5 = getelementptr i16, i16* %0, i64 %4
	br label %i

row.end:
	ret void

i:
	%i.i = phi i64 [ 0, %row.body ], [ %11, %i.body ]
	%6 = icmp slt i64 %i.i, %in
	br i1 %6, label %i.body, label %i.end

i.body:
	%7 = getelementptr i8, i8* %3, i64 %i.i
	%8 = load i8, i8* %7
	%9 = sext i8 %8 to i16
	%10 = getelementptr i16, i16* %5, i64 %i.i
	store i16 %9, i16* %10
	%11 = add i64 %i.i, 1
	br label %i

i.end:
	%12 = sub i64 %ld, %in
	br label %pad

pad:
	%pad.i = phi i64 [ 0, %i.end ], [ %16, %pad.body ]
	%13 = icmp slt i64 %pad.i, %12
	br i1 %13, label %pad.body, label %pad.end

pad.body:
	%14 = add i64 %in, %pad.i
	%15 = getelementptr i16, i16* %5, i64 %14
	store i16 0, i16* %15
	%16 = add i64 %pad.i, 1
	br label %pad

pad.end:
	%17 = add i64 %row.i, 1
	br label %row
}

define internal void @kiln_tile6x1(i64 %kq, i8* %a, i64 %lda, i8* %b, i64 %ldb, i64 %j0, i64 %ncols, i32* %bias, i32* %mult, i32* %shift, i8* %out, i64 %ldo, i32 %off, i32 %lo, i32 %hi) nounwind {
entry:
	%0 = alloca <8 x i8>, align 64
	%1 = mul i64 0, %lda
	%2 = getelementptr i8, i8* %a, i64 %1
	%3 = mul i64 1, %lda
	%4 = getelementptr i8, i8* %a, i64 %3
	%5 = mul i64 2, %lda
	%6 = getelementptr i8, i8* %a, i64 %5
	%7 = mul i64 3, %lda
	%8 = getelementptr i8, i8* %a, i64 %7
	%9 = mul i64 4, %lda
	%10 = getelementptr i8, i8* %a, i64 %9
	%11 = mul i64 5, %lda
	%12 = getelementptr i8, i8* %a, i64 %11
	%13 = add i64 %j0, 0
	%14 = mul i64 %13, %ldb
	%15 = getelementptr i8, i8* %b, i64 %14
	br label %quad

quad:
	%quad.i = phi i64 [ 0, %entry ], [ %147, %quad.body ]
	%16 = phi <16 x i32> [ zeroinitializer, %entry ], [ %47, %quad.body ]
	%17 = phi <16 x i32> [ zeroinitializer, %entry ], [ %51, %quad.body ]
	%18 = phi <16 x i32> [ zeroinitializer, %entry ], [ %66, %quad.body ]
	%19 = phi <16 x i32> [ zeroinitializer, %entry ], [ %70, %quad.body ]
	%20 = phi <16 x i32> [ zeroinitializer, %entry ], [ %85, %quad.body ]
	%21 = phi <16 x i32> [ zeroinitializer, %entry ], [ %89, %quad.body ]
	%22 = phi <16 x i32> [ zeroinitializer, %entry ], [ %104, %quad.body ]
	%23 = phi <16 x i32> [ zeroinitializer, %entry ], [ %108, %quad.body ]
	%24 = phi <16 x i32> [ zeroinitializer, %entry ], [ %123, %quad.body ]
	%25 = phi <16 x i32> [ zeroinitializer, %entry ], [ %127, %quad.body ]
	%26 = phi <16 x i32> [ zeroinitializer, %entry ], [ %142, %quad.body ]
	%27 = phi <16 x i32> [ zeroinitializer, %entry ], [ %146, %quad.body ]
	%28 = icmp slt i64 %quad.i, %kq
	br i1 %28, label %quad.body, label %quad.end

quad.body:
	%29 = mul i64 %quad.i, 32
	%30 = getelementptr i8, i8* %15, i64 %29
	%31 = bitcast i8* %30 to <32 x i8>*
	%32 = load <32 x i8>, <32 x i8>* %31, align 1
	%33 = mul i64 %quad.i, 8
	%34 = getelementptr i8, i8* %2, i64 %33
	%35 = bitcast i8* %34 to i64*
	%36 = load i64, i64* %35, align 1
	%37 = insertelement <4 x i64> undef, i64 %36, i32 0
	%38 = shufflevector <4 x i64> %37, <4 x i64> undef, <4 x i32> zeroinitializer
	%39 = bitcast <4 x i64> %38 to <16 x i16>
	%40 = shufflevector <32 x i8> %32, <32 x i8> %32, <16 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7, i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%41 = sext <16 x i8> %40 to <16 x i16>
	%42 = shufflevector <32 x i8> %32, <32 x i8> %32, <16 x i32> <i32 16, i32 17, i32 18, i32 19, i32 20, i32 21, i32 22, i32 23, i32 24, i32 25, i32 26, i32 27, i32 28, i32 29, i32 30, i32 31>
	%43 = sext <16 x i8> %42 to <16 x i16>
	%44 = sext <16 x i16> %41 to <16 x i32>
	%45 = sext <16 x i16> %39 to <16 x i32>
	%46 = mul <16 x i32> %44, %45
	%47 = add <16 x i32> %16, %46
	%48 = sext <16 x i16> %43 to <16 x i32>
	%49 = sext <16 x i16> %39 to <16 x i32>
	%50 = mul <16 x i32> %48, %49
	%51 = add <16 x i32> %17, %50
	%52 = mul i64 %quad.i, 8
	%53 = getelementptr i8, i8* %4, i64 %52
	%54 = bitcast i8* %53 to i64*
	%55 = load i64, i64* %54, align 1
	%56 = insertelement <4 x i64> undef, i64 %55, i32 0
	%57 = shufflevector <4 x i64> %56, <4 x i64> undef, <4 x i32> zeroinitializer
	%58 = bitcast <4 x i64> %57 to <16 x i16>
	%59 = shufflevector <32 x i8> %32, <32 x i8> %32, <16 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7, i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%60 = sext <16 x i8> %59 to <16 x i16>
	%61 = shufflevector <32 x i8> %32, <32 x i8> %32, <16 x i32> <i32 16, i32 17, i32 18, i32 19, i32 20, i32 21, i32 22, i32 23, i32 24, i32 25, i32 26, i32 27, i32 28, i32 29, i32 30, i32 31>
	%62 = sext <16 x i8> %61 to <16 x i16>
	%63 = sext <16 x i16> %60 to <16 x i32>
	%64 = sext <16 x i16> %58 to <16 x i32>
	%65 = mul <16 x i32> %63, %64
	%66 = add <16 x i32> %18, %65
	%67 = sext <16 x i16> %62 to <16 x i32>
	%68 = sext <16 x i16> %58 to <16 x i32>
	%69 = mul <16 x i32> %67, %68
	%70 = add <16 x i32> %19, %69
	%71 = mul i64 %quad.i, 8
	%72 = getelementptr i8, i8* %6, i64 %71
	%73 = bitcast i8* %72 to i64*
	%74 = load i64, i64* %73, align 1
	%75 = insertelement <4 x i64> undef, i64 %74, i32 0
	%76 = shufflevector <4 x i64> %75, <4 x i64> undef, <4 x i32> zeroinitializer
	%77 = bitcast <4 x i64> %76 to <16 x i16>
	%78 = shufflevector <32 x i8> %32, <32 x i8> %32, <16 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7, i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%79 = sext <16 x i8> %78 to <16 x i16>
	%80 = shufflevector <32 x i8> %32, <32 x i8> %32, <16 x i32> <i32 16, i32 17, i32 18, i32 19, i32 20, i32 21, i32 22, i32 23, i32 24, i32 25, i32 26, i32 27, i32 28, i32 29, i32 30, i32 31>
	%81 = sext <16 x i8> %80 to <16 x i16>
	%82 = sext <16 x i16> %79 to <16 x i32>
	%83 = sext <16 x i16> %77 to <16 x i32>
	%84 = mul <16 x i32> %82, %83
	%85 = add <16 x i32> %20, %84
	%86 = sext <16 x i16> %81 to <16 x i32>
	%87 = sext <16 x i16> %77 to <16 x i32>
	%88 = mul <16 x i32> %86, %87
	%89 = add <16 x i32> %21, %88
	%90 = mul i64 %quad.i, 8
	%91 = getelementptr i8, i8* %8, i64 %90
	%92 = bitcast i8* %91 to i64*
	%93 = load i64, i64* %92, align 1
	%94 = insertelement <4 x i64> undef, i64 %93, i32 0
	%95 = shufflevector <4 x i64> %94, <4 x i64> undef, <4 x i32> zeroinitializer
	%96 = bitcast <4 x i64> %95 to <16 x i16>
	%97 = shufflevector <32 x i8> %32, <32 x i8> %32, <16 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7, i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%98 = sext <16 x i8> %97 to <16 x i16>
	%99 = shufflevector <32 x i8> %32, <32 x i8> %32, <16 x i32> <i32 16, i32 17, i32 18, i32 19, i32 20, i32 21, i32 22, i32 23, i32 24, i32 25, i32 26, i32 27, i32 28, i32 29, i32 30, i32 31>
	%100 = sext <16 x i8> %99 to <16 x i16>
	%101 = sext <16 x i16> %98 to <16 x i32>
	%102 = sext <16 x i16> %96 to <16 x i32>
	%103 = mul <16 x i32> %101, %102
	%104 = add <16 x i32> %22, %103
	%105 = sext <16 x i16> %100 to <16 x i32>
	%106 = sext <16 x i16> %96 to <16 x i32>
	%107 = mul <16 x i32> %105, %106
	%108 = add <16 x i32> %23, %107
	%109 = mul i64 %quad.i, 8
	%110 = getelementptr i8, i8* %10, i64 %109
	%111 = bitcast i8* %110 to i64*
	%112 = load i64, i64* %111, align 1
	%113 = insertelement <4 x i64> undef, i64 %112, i32 0
	%114 = shufflevector <4 x i64> %113, <4 x i64> undef, <4 x i32> zeroinitializer
	%115 = bitcast <4 x i64> %114 to <16 x i16>
	%116 = shufflevector <32 x i8> %32, <32 x i8> %32, <16 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7, i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%117 = sext <16 x i8> %116 to <16 x i16>
	%118 = shufflevector <32 x i8> %32, <32 x i8> %32, <16 x i32> <i32 16, i32 17, i32 18, i32 19, i32 20, i32 21, i32 22, i32 23, i32 24, i32 25, i32 26, i32 27, i32 28, i32 29, i32 30, i32 31>
	%119 = sext <16 x i8> %118 to <16 x i16>
	%120 = sext <16 x i16> %117 to <16 x i32>
	%121 = sext <16 x i16> %115 to <16 x i32>
	%122 = mul <16 x i32> %120, %121
	%123 = add <16 x i32> %24, %122
	%124 = sext <16 x i16> %119 to <16 x i32>
	%125 = sext <16 x i16> %115 to <16 x i32>
	%126 = mul <16 x i32> %124, %125
	%127 = add <16 x i32> %25, %126
	%128 = mul i64 %quad.i, 8
	%129 = getelementptr i8, i8* %12, i64 %128
	%130 = bitcast i8* %129 to i64*
	%131 = load i64, i64* %130, align 1
	%132 = insertelement <4 x i64> undef, i64 %131, i32 0
	%133 = shufflevector <4 x i64> %132, <4 x i64> undef, <4 x i32> zeroinitializer
	%134 = bitcast <4 x i64> %133 to <16 x i16>
	%135 = shufflevector <32 x i8> %32, <32 x i8> %32, <16 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7, i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%136 = sext <16 x i8> %135 to <16 x i16>
	%137 = shufflevector <32 x i8> %32, <32 x i8> %32, <16 x i32> <i32 16, i32 17, i32 18, i32 19, i32 20, i32 21, i32 22, i32 23, i32 24, i32 25, i32 26, i32 27, i32 28, i32 29, i32 30, i32 31>
	%138 = sext <16 x i8> %137 to <16 x i16>
	%139 = sext <16 x i16> %136 to <16 x i32>
	%140 = sext <16 x i16> %134 to <16 x i32>
	%141 = mul <16 x i32> %139, %140
	%142 = add <16 x i32> %26, %141
	%143 = sext <16 x i16> %138 to <16 x i32>
	%144 = sext <16 x i16> %134 to <16 x i32>
	%145 = mul <16 x i32> %143, %144
	%146 = add <16 x i32> %27, %145
	%147 = add i64 %quad.i, 1
	br label %quad

quad.end:
	%148 = icmp sge i64 %ncols, 8
	%149 = insertelement <8 x i32> undef, i32 %off, i32 0
	%150 = shufflevector <8 x i32> %149, <8 x i32> undef, <8 x i32> zeroinitializer
	%151 = insertelement <8 x i32> undef, i32 %lo, i32 0
	%152 = shufflevector <8 x i32> %151, <8 x i32> undef, <8 x i32> zeroinitializer
	%153 = insertelement <8 x i32> undef, i32 %hi, i32 0
	%154 = shufflevector <8 x i32> %153, <8 x i32> undef, <8 x i32> zeroinitializer
	%155 = add i64 %j0, 0
	%156 = mul i64 %155, 8
	%157 = sub i64 %ncols, 8
	%158 = icmp slt i64 %156, %157
	%159 = select i1 %158, i64 %156, i64 %157
	%160 = select i1 %148, i64 %159, i64 0
	%161 = getelementptr i32, i32* %bias, i64 %160
	%162 = bitcast i32* %161 to <8 x i32>*
	%163 = load <8 x i32>, <8 x i32>* %162, align 4
	%164 = getelementptr i32, i32* %mult, i64 %160
	%165 = bitcast i32* %164 to <8 x i32>*
	%166 = load <8 x i32>, <8 x i32>* %165, align 4
	%167 = getelementptr i32, i32* %shift, i64 %160
	%168 = bitcast i32* %167 to <8 x i32>*
	%169 = load <8 x i32>, <8 x i32>* %168, align 4
	%170 = shufflevector <16 x i32> %16, <16 x i32> %17, <16 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14, i32 16, i32 18, i32 20, i32 22, i32 24, i32 26, i32 28, i32 30>
	%171 = shufflevector <16 x i32> %16, <16 x i32> %17, <16 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15, i32 17, i32 19, i32 21, i32 23, i32 25, i32 27, i32 29, i32 31>
	%172 = add <16 x i32> %170, %171
	%173 = shufflevector <16 x i32> %172, <16 x i32> %172, <8 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14>
	%174 = shufflevector <16 x i32> %172, <16 x i32> %172, <8 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15>
	%175 = add <8 x i32> %173, %174
	%176 = add <8 x i32> %175, %163
	%177 = icmp sgt <8 x i32> %169, <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
	%178 = select <8 x i1> %177, <8 x i32> %169, <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
	%179 = sub <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>, %169
	%180 = select <8 x i1> %177, <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>, <8 x i32> %179
	%181 = shl <8 x i32> %176, %178
	%182 = icmp eq <8 x i32> %181, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%183 = icmp eq <8 x i32> %166, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%184 = and <8 x i1> %182, %183
	%185 = sext <8 x i32> %181 to <8 x i64>
	%186 = sext <8 x i32> %166 to <8 x i64>
	%187 = mul <8 x i64> %185, %186
	%188 = add <8 x i64> %187, <i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000>
	%189 = lshr <8 x i64> %188, <i64 31, i64 31, i64 31, i64 31, i64 31, i64 31, i64 31, i64 31>
	%190 = trunc <8 x i64> %189 to <8 x i32>
	%191 = select <8 x i1> %184, <8 x i32> <i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF>, <8 x i32> %190
	%192 = shl <8 x i32> <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>, %180
	%193 = sub <8 x i32> %192, <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>
	%194 = and <8 x i32> %191, %193
	%195 = ashr <8 x i32> %193, <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>
	%196 = ashr <8 x i32> %191, <i32 31, i32 31, i32 31, i32 31, i32 31, i32 31, i32 31, i32 31>
	%197 = sub <8 x i32> %195, %196
	%198 = icmp sgt <8 x i32> %194, %197
	%199 = zext <8 x i1> %198 to <8 x i32>
	%200 = ashr <8 x i32> %191, %180
	%201 = add <8 x i32> %200, %199
	%202 = add <8 x i32> %201, %150
	%203 = icmp sgt <8 x i32> %202, %152
	%204 = select <8 x i1> %203, <8 x i32> %202, <8 x i32> %152
	%205 = icmp slt <8 x i32> %204, %154
	%206 = select <8 x i1> %205, <8 x i32> %204, <8 x i32> %154
	%207 = trunc <8 x i32> %206 to <8 x i8>
	%208 = mul i64 0, %ldo
	%209 = add i64 %208, %160
	%210 = getelementptr i8, i8* %out, i64 %209
	br i1 %148, label %store.full, label %store.part

store.full:
	%211 = bitcast i8* %210 to <8 x i8>*
	store <8 x i8> %207, <8 x i8>* %211, align 1
	br label %store.join

store.part:
	store <8 x i8> %207, <8 x i8>* %0
	%212 = bitcast <8 x i8>* %0 to i8*
	br label %store.byte

store.join:
	%213 = shufflevector <16 x i32> %18, <16 x i32> %19, <16 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14, i32 16, i32 18, i32 20, i32 22, i32 24, i32 26, i32 28, i32 30>
	%214 = shufflevector <16 x i32> %18, <16 x i32> %19, <16 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15, i32 17, i32 19, i32 21, i32 23, i32 25, i32 27, i32 29, i32 31>
	%215 = add <16 x i32> %213, %214
	%216 = shufflevector <16 x i32> %215, <16 x i32> %215, <8 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14>
	%217 = shufflevector <16 x i32> %215, <16 x i32> %215, <8 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15>
	%218 = add <8 x i32> %216, %217
	%219 = add <8 x i32> %218, %163
	%220 = icmp sgt <8 x i32> %169, <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
	%221 = select <8 x i1> %220, <8 x i32> %169, <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
	%222 = sub <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>, %169
	%223 = select <8 x i1> %220, <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>, <8 x i32> %222
	%224 = shl <8 x i32> %219, %221
	%225 = icmp eq <8 x i32> %224, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%226 = icmp eq <8 x i32> %166, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%227 = and <8 x i1> %225, %226
	%228 = sext <8 x i32> %224 to <8 x i64>
	%229 = sext <8 x i32> %166 to <8 x i64>
	%230 = mul <8 x i64> %228, %229
	%231 = add <8 x i64> %230, <i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000>
	%232 = lshr <8 x i64> %231, <i64 31, i64 31, i64 31, i64 31, i64 31, i64 31, i64 31, i64 31>
	%233 = trunc <8 x i64> %232 to <8 x i32>
	%234 = select <8 x i1> %227, <8 x i32> <i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF>, <8 x i32> %233
	%235 = shl <8 x i32> <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>, %223
	%236 = sub <8 x i32> %235, <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>
	%237 = and <8 x i32> %234, %236
	%238 = ashr <8 x i32> %236, <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>
	%239 = ashr <8 x i32> %234, <i32 31, i32 31, i32 31, i32 31, i32 31, i32 31, i32 31, i32 31>
	%240 = sub <8 x i32> %238, %239
	%241 = icmp sgt <8 x i32> %237, %240
	%242 = zext <8 x i1> %241 to <8 x i32>
	%243 = ashr <8 x i32> %234, %223
	%244 = add <8 x i32> %243, %242
	%245 = add <8 x i32> %244, %150
	%246 = icmp sgt <8 x i32> %245, %152
	%247 = select <8 x i1> %246, <8 x i32> %245, <8 x i32> %152
	%248 = icmp slt <8 x i32> %247, %154
	%249 = select <8 x i1> %248, <8 x i32> %247, <8 x i32> %154
	%250 = trunc <8 x i32> %249 to <8 x i8>
	%251 = mul i64 1, %ldo
	%252 = add i64 %251, %160
	%253 = getelementptr i8, i8* %out, i64 %252
	br i1 %148, label %store.full.1, label %store.part.1

store.byte:
	%store.byte.i = phi i64 [ 0, %store.part ], [ %258, %store.byte.body ]
	%254 = icmp slt i64 %store.byte.i, %ncols
	br i1 %254, label %store.byte.body, label %store.byte.end

store.byte.body:
	%255 = getelementptr i8, i8* %212, i64 %store.byte.i
	%256 = load i8, i8* %255
	%257 = getelementptr i8, i8* %210, i64 %store.byte.i
	store i8 %256, i8* %257
	%258 = add i64 %store.byte.i, 1
	br label %store.byte

store.byte.end:
	br label %store.join

store.full.1:
	%259 = bitcast i8* %253 to <8 x i8>*
	store <8 x i8> %250, <8 x i8>* %259, align 1
	br label %store.join.1

store.part.1:
	store <8 x i8> %250, <8 x i8>* %0
	%260 = bitcast <8 x i8>* %0 to i8*
	br label %store.byte.1

store.join.1:
	%261 = shufflevector <16 x i32> %20, <16 x i32> %21, <16 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14, i32 16, i32 18, i32 20, i32 22, i32 24, i32 26, i32 28, i32 30>
	%262 = shufflevector <16 x i32> %20, <16 x i32> %21, <16 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15, i32 17, i32 19, i32 21, i32 23, i32 25, i32 27, i32 29, i32 31>
	%263 = add <16 x i32> %261, %262
	%264 = shufflevector <16 x i32> %263, <16 x i32> %263, <8 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14>
	%265 = shufflevector <16 x i32> %263, <16 x i32> %263, <8 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15>
	%266 = add <8 x i32> %264, %265
	%267 = add <8 x i32> %266, %163
	%268 = icmp sgt <8 x i32> %169, <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
	%269 = select <8 x i1> %268, <8 x i32> %169, <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
	%270 = sub <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>, %169
	%271 = select <8 x i1> %268, <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>, <8 x i32> %270
	%272 = shl <8 x i32> %267, %269
	%273 = icmp eq <8 x i32> %272, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%274 = icmp eq <8 x i32> %166, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%275 = and <8 x i1> %273, %274
	%276 = sext <8 x i32> %272 to <8 x i64>
	%277 = sext <8 x i32> %166 to <8 x i64>
	%278 = mul <8 x i64> %276, %277
	%279 = add <8 x i64> %278, <i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000>
	%280 = lshr <8 x i64> %279, <i64 31, i64 31, i64 31, i64 31, i64 31, i64 31, i64 31, i64 31>
	%281 = trunc <8 x i64> %280 to <8 x i32>
	%282 = select <8 x i1> %275, <8 x i32> <i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF>, <8 x i32> %281
	%283 = shl <8 x i32> <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>, %271
	%284 = sub <8 x i32> %283, <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>
	%285 = and <8 x i32> %282, %284
	%286 = ashr <8 x i32> %284, <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>
	%287 = ashr <8 x i32> %282, <i32 31, i32 31, i32 31, i32 31, i32 31, i32 31, i32 31, i32 31>
	%288 = sub <8 x i32> %286, %287
	%289 = icmp sgt <8 x i32> %285, %288
	%290 = zext <8 x i1> %289 to <8 x i32>
	%291 = ashr <8 x i32> %282, %271
	%292 = add <8 x i32> %291, %290
	%293 = add <8 x i32> %292, %150
	%294 = icmp sgt <8 x i32> %293, %152
	%295 = select <8 x i1> %294, <8 x i32> %293, <8 x i32> %152
	%296 = icmp slt <8 x i32> %295, %154
	%297 = select <8 x i1> %296, <8 x i32> %295, <8 x i32> %154
	%298 = trunc <8 x i32> %297 to <8 x i8>
	%299 = mul i64 2, %ldo
	%300 = add i64 %299, %160
	%301 = getelementptr i8, i8* %out, i64 %300
	br i1 %148, label %store.full.2, label %store.part.2

store.byte.1:
	%store.byte.1.i = phi i64 [ 0, %store.part.1 ], [ %306, %store.byte.1.body ]
	%302 = icmp slt i64 %store.byte.1.i, %ncols
	br i1 %302, label %store.byte.1.body, label %store.byte.1.end

store.byte.1.body:
	%303 = getelementptr i8, i8* %260, i64 %store.byte.1.i
	%304 = load i8, i8* %303
	%305 = getelementptr i8, i8* %253, i64 %store.byte.1.i
	store i8 %304, i8* %305
	%306 = add i64 %store.byte.1.i, 1
	br label %store.byte.1

store.byte.1.end:
	br label %store.join.1

store.full.2:
	%307 = bitcast i8* %301 to <8 x i8>*
	store <8 x i8> %298, <8 x i8>* %307, align 1
	br label %store.join.2

store.part.2:
	store <8 x i8> %298, <8 x i8>* %0
	%308 = bitcast <8 x i8>* %0 to i8*
	br label %store.byte.2

store.join.2:
	%309 = shufflevector <16 x i32> %22, <16 x i32> %23, <16 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14, i32 16, i32 18, i32 20, i32 22, i32 24, i32 26, i32 28, i32 30>
	%310 = shufflevector <16 x i32> %22, <16 x i32> %23, <16 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15, i32 17, i32 19, i32 21, i32 23, i32 25, i32 27, i32 29, i32 31>
	%311 = add <16 x i32> %309, %310
	%312 = shufflevector <16 x i32> %311, <16 x i32> %311, <8 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14>
	%313 = shufflevector <16 x i32> %311, <16 x i32> %311, <8 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15>
	%314 = add <8 x i32> %312, %313
	%315 = add <8 x i32> %314, %163
	%316 = icmp sgt <8 x i32> %169, <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
	%317 = select <8 x i1> %316, <8 x i32> %169, <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
	%318 = sub <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>, %169
	%319 = select <8 x i1> %316, <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>, <8 x i32> %318
	%320 = shl <8 x i32> %315, %317
	%321 = icmp eq <8 x i32> %320, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%322 = icmp eq <8 x i32> %166, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%323 = and <8 x i1> %321, %322
	%324 = sext <8 x i32> %320 to <8 x i64>
	%325 = sext <8 x i32> %166 to <8 x i64>
	%326 = mul <8 x i64> %324, %325
	%327 = add <8 x i64> %326, <i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000>
	%328 = lshr <8 x i64> %327, <i64 31, i64 31, i64 31, i64 31, i64 31, i64 31, i64 31, i64 31>
	%329 = trunc <8 x i64> %328 to <8 x i32>
	%330 = select <8 x i1> %323, <8 x i32> <i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF>, <8 x i32> %329
	%331 = shl <8 x i32> <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>, %319
	%332 = sub <8 x i32> %331, <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>
	%333 = and <8 x i32> %330, %332
	%334 = ashr <8 x i32> %332, <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>
	%335 = ashr <8 x i32> %330, <i32 31, i32 31, i32 31, i32 31, i32 31, i32 31, i32 31, i32 31>
	%336 = sub <8 x i32> %334, %335
	%337 = icmp sgt <8 x i32> %333, %336
	%338 = zext <8 x i1> %337 to <8 x i32>
	%339 = ashr <8 x i32> %330, %319
	%340 = add <8 x i32> %339, %338
	%341 = add <8 x i32> %340, %150
	%342 = icmp sgt <8 x i32> %341, %152
	%343 = select <8 x i1> %342, <8 x i32> %341, <8 x i32> %152
	%344 = icmp slt <8 x i32> %343, %154
	%345 = select <8 x i1> %344, <8 x i32> %343, <8 x i32> %154
	%346 = trunc <8 x i32> %345 to <8 x i8>
	%347 = mul i64 3, %ldo
	%348 = add i64 %347, %160
	%349 = getelementptr i8, i8* %out, i64 %348
	br i1 %148, label %store.full.3, label %store.part.3

store.byte.2:
	%store.byte.2.i = phi i64 [ 0, %store.part.2 ], [ %354, %store.byte.2.body ]
	%350 = icmp slt i64 %store.byte.2.i, %ncols
	br i1 %350, label %store.byte.2.body, label %store.byte.2.end

store.byte.2.body:
	%351 = getelementptr i8, i8* %308, i64 %store.byte.2.i
	%352 = load i8, i8* %351
	%353 = getelementptr i8, i8* %301, i64 %store.byte.2.i
	store i8 %352, i8* %353
	%354 = add i64 %store.byte.2.i, 1
	br label %store.byte.2

store.byte.2.end:
	br label %store.join.2

store.full.3:
	%355 = bitcast i8* %349 to <8 x i8>*
	store <8 x i8> %346, <8 x i8>* %355, align 1
	br label %store.join.3

store.part.3:
	store <8 x i8> %346, <8 x i8>* %0
	%356 = bitcast <8 x i8>* %0 to i8*
	br label %store.byte.3

store.join.3:
	%357 = shufflevector <16 x i32> %24, <16 x i32> %25, <16 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14, i32 16, i32 18, i32 20, i32 22, i32 24, i32 26, i32 28, i32 30>
	%358 = shufflevector <16 x i32> %24, <16 x i32> %25, <16 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15, i32 17, i32 19, i32 21, i32 23, i32 25, i32 27, i32 29, i32 31>
	%359 = add <16 x i32> %357, %358
	%360 = shufflevector <16 x i32> %359, <16 x i32> %359, <8 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14>
	%361 = shufflevector <16 x i32> %359, <16 x i32> %359, <8 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15>
	%362 = add <8 x i32> %360, %361
	%363 = add <8 x i32> %362, %163
	%364 = icmp sgt <8 x i32> %169, <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
	%365 = select <8 x i1> %364, <8 x i32> %169, <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
	%366 = sub <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>, %169
	%367 = select <8 x i1> %364, <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>, <8 x i32> %366
	%368 = shl <8 x i32> %363, %365
	%369 = icmp eq <8 x i32> %368, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%370 = icmp eq <8 x i32> %166, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%371 = and <8 x i1> %369, %370
	%372 = sext <8 x i32> %368 to <8 x i64>
	%373 = sext <8 x i32> %166 to <8 x i64>
	%374 = mul <8 x i64> %372, %373
	%375 = add <8 x i64> %374, <i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000>
	%376 = lshr <8 x i64> %375, <i64 31, i64 31, i64 31, i64 31, i64 31, i64 31, i64 31, i64 31>
	%377 = trunc <8 x i64> %376 to <8 x i32>
	%378 = select <8 x i1> %371, <8 x i32> <i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF>, <8 x i32> %377
	%379 = shl <8 x i32> <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>, %367
	%380 = sub <8 x i32> %379, <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>
	%381 = and <8 x i32> %378, %380
	%382 = ashr <8 x i32> %380, <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>
	%383 = ashr <8 x i32> %378, <i32 31, i32 31, i32 31, i32 31, i32 31, i32 31, i32 31, i32 31>
	%384 = sub <8 x i32> %382, %383
	%385 = icmp sgt <8 x i32> %381, %384
	%386 = zext <8 x i1> %385 to <8 x i32>
	%387 = ashr <8 x i32> %378, %367
	%388 = add <8 x i32> %387, %386
	%389 = add <8 x i32> %388, %150
	%390 = icmp sgt <8 x i32> %389, %152
	%391 = select <8 x i1> %390, <8 x i32> %389, <8 x i32> %152
	%392 = icmp slt <8 x i32> %391, %154
	%393 = select <8 x i1> %392, <8 x i32> %391, <8 x i32> %154
	%394 = trunc <8 x i32> %393 to <8 x i8>
	%395 = mul i64 4, %ldo
	%396 = add i64 %395, %160
	%397 = getelementptr i8, i8* %out, i64 %396
	br i1 %148, label %store.full.4, label %store.part.4

store.byte.3:
	%store.byte.3.i = phi i64 [ 0, %store.part.3 ], [ %402, %store.byte.3.body ]
	%398 = icmp slt i64 %store.byte.3.i, %ncols
	br i1 %398, label %store.byte.3.body, label %store.byte.3.end

store.byte.3.body:
	%399 = getelementptr i8, i8* %356, i64 %store.byte.3.i
	%400 = load i8, i8* %399
	%401 = getelementptr i8, i8* %349, i64 %store.byte.3.i
	store i8 %400, i8* %401
	%402 = add i64 %store.byte.3.i, 1
	br label %store.byte.3

store.byte.3.end:
	br label %store.join.3

store.full.4:
	%403 = bitcast i8* %397 to <8 x i8>*
	store <8 x i8> %394, <8 x i8>* %403, align 1
	br label %store.join.4

store.part.4:
	store <8 x i8> %394, <8 x i8>* %0
	%404 = bitcast <8 x i8>* %0 to i8*
	br label %store.byte.4

store.join.4:
	%405 = shufflevector <16 x i32> %26, <16 x i32> %27, <16 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14, i32 16, i32 18, i32 20, i32 22, i32 24, i32 26, i32 28, i32 30>
	%406 = shufflevector <16 x i32> %26, <16 x i32> %27, <16 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15, i32 17, i32 19, i32 21, i32 23, i32 25, i32 27, i32 29, i32 31>
	%407 = add <16 x i32> %405, %406
	%408 = shufflevector <16 x i32> %407, <16 x i32> %407, <8 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14>
	%409 = shufflevector <16 x i32> %407, <16 x i32> %407, <8 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15>
	%410 = add <8 x i32> %408, %409
	%411 = add <8 x i32> %410, %163
	%412 = icmp sgt <8 x i32> %169, <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
	%413 = select <8 x i1> %412, <8 x i32> %169, <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
	%414 = sub <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>, %169
	%415 = select <8 x i1> %412, <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>, <8 x i32> %414
	%416 = shl <8 x i32> %411, %413
	%417 = icmp eq <8 x i32> %416, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%418 = icmp eq <8 x i32> %166, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%419 = and <8 x i1> %417, %418
	%420 = sext <8 x i32> %416 to <8 x i64>
	%421 = sext <8 x i32> %166 to <8 x i64>
	%422 = mul <8 x i64> %420, %421
	%423 = add <8 x i64> %422, <i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000>
	%424 = lshr <8 x i64> %423, <i64 31, i64 31, i64 31, i64 31, i64 31, i64 31, i64 31, i64 31>
	%425 = trunc <8 x i64> %424 to <8 x i32>
	%426 = select <8 x i1> %419, <8 x i32> <i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF>, <8 x i32> %425
	%427 = shl <8 x i32> <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>, %415
	%428 = sub <8 x i32> %427, <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>
	%429 = and <8 x i32> %426, %428
	%430 = ashr <8 x i32> %428, <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>
	%431 = ashr <8 x i32> %426, <i32 31, i32 31, i32 31, i32 31, i32 31, i32 31, i32 31, i32 31>
	%432 = sub <8 x i32> %430, %431
	%433 = icmp sgt <8 x i32> %429, %432
	%434 = zext <8 x i1> %433 to <8 x i32>
	%435 = ashr <8 x i32> %426, %415
	%436 = add <8 x i32> %435, %434
	%437 = add <8 x i32> %436, %150
	%438 = icmp sgt <8 x i32> %437, %152
	%439 = select <8 x i1> %438, <8 x i32> %437, <8 x i32> %152
	%440 = icmp slt <8 x i32> %439, %154
	%441 = select <8 x i1> %440, <8 x i32> %439, <8 x i32> %154
	%442 = trunc <8 x i32> %441 to <8 x i8>
	%443 = mul i64 5, %ldo
	%444 = add i64 %443, %160
	%445 = getelementptr i8, i8* %out, i64 %444
	br i1 %148, label %store.full.5, label %store.part.5

store.byte.4:
	%store.byte.4.i = phi i64 [ 0, %store.part.4 ], [ %450, %store.byte.4.body ]
	%446 = icmp slt i64 %store.byte.4.i, %ncols
	br i1 %446, label %store.byte.4.body, label %store.byte.4.end

store.byte.4.body:
	%447 = getelementptr i8, i8* %404, i64 %store.byte.4.i
	%448 = load i8, i8* %447
	%449 = getelementptr i8, i8* %397, i64 %store.byte.4.i
	store i8 %448, i8* %449
	%450 = add i64 %store.byte.4.i, 1
	br label %store.byte.4

store.byte.4.end:
	br label %store.join.4

store.full.5:
	%451 = bitcast i8* %445 to <8 x i8>*
	store <8 x i8> %442, <8 x i8>* %451, align 1
	br label %store.join.5

store.part.5:
	store <8 x i8> %442, <8 x i8>* %0
	%452 = bitcast <8 x i8>* %0 to i8*
	br label %store.byte.5

store.join.5:
	ret void

store.byte.5:
	%store.byte.5.i = phi i64 [ 0, %store.part.5 ], [ %457, %store.byte.5.body ]
	%453 = icmp slt i64 %store.byte.5.i, %ncols
	br i1 %453, label %store.byte.5.body, label %store.byte.5.end

store.byte.5.body:
	%454 = getelementptr i8, i8* %452, i64 %store.byte.5.i
	%455 = load i8, i8* %454
	%456 = getelementptr i8, i8* %445, i64 %store.byte.5.i
	store i8 %455, i8* %456
	%457 = add i64 %store.byte.5.i, 1
	br label %store.byte.5

store.byte.5.end:
	br label %store.join.5
}

define internal void @kiln_tile1x1(i64 %kq, i8* %a, i64 %lda, i8* %b, i64 %ldb, i64 %j0, i64 %ncols, i32* %bias, i32* %mult, i32* %shift, i8* %out, i64 %ldo, i32 %off, i32 %lo, i32 %hi) nounwind {
entry:
	%0 = alloca <8 x i8>, align 64
	%1 = mul i64 0, %lda
	%2 = getelementptr i8, i8* %a, i64 %1
	%3 = add i64 %j0, 0
	%4 = mul i64 %3, %ldb
	%5 = getelementptr i8, i8* %b, i64 %4
	br label %quad

quad:
	%quad.i = phi i64 [ 0, %entry ], [ %32, %quad.body ]
	%6 = phi <16 x i32> [ zeroinitializer, %entry ], [ %27, %quad.body ]
	%7 = phi <16 x i32> [ zeroinitializer, %entry ], [ %31, %quad.body ]
	%8 = icmp slt i64 %quad.i, %kq
	br i1 %8, label %quad.body, label %quad.end

quad.body:
	%9 = mul i64 %quad.i, 32
	%10 = getelementptr i8, i8* %5, i64 %9
	%11 = bitcast i8* %10 to <32 x i8>*
	%12 = load <32 x i8>, <32 x i8>* %11, align 1
	%13 = mul i64 %quad.i, 8
	%14 = getelementptr i8, i8* %2, i64 %13
	%15 = bitcast i8* %14 to i64*
	%16 = load i64, i64* %15, align 1
	%17 = insertelement <4 x i64> undef, i64 %16, i32 0
	%18 = shufflevector <4 x i64> %17, <4 x i64> undef, <4 x i32> zeroinitializer
	%19 = bitcast <4 x i64> %18 to <16 x i16>
	%20 = shufflevector <32 x i8> %12, <32 x i8> %12, <16 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7, i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%21 = sext <16 x i8> %20 to <16 x i16>
	%22 = shufflevector <32 x i8> %12, <32 x i8> %12, <16 x i32> <i32 16, i32 17, i32 18, i32 19, i32 20, i32 21, i32 22, i32 23, i32 24, i32 25, i32 26, i32 27, i32 28, i32 29, i32 30, i32 31>
	%23 = sext <16 x i8> %22 to <16 x i16>
	%24 = sext <16 x i16> %21 to <16 x i32>
	%25 = sext <16 x i16> %19 to <16 x i32>
	%26 = mul <16 x i32> %24, %25
	%27 = add <16 x i32> %6, %26
	%28 = sext <16 x i16> %23 to <16 x i32>
	%29 = sext <16 x i16> %19 to <16 x i32>
	%30 = mul <16 x i32> %28, %29
	%31 = add <16 x i32> %7, %30
	%32 = add i64 %quad.i, 1
	br label %quad

quad.end:
	%33 = icmp sge i64 %ncols, 8
	%34 = insertelement <8 x i32> undef, i32 %off, i32 0
	%35 = shufflevector <8 x i32> %34, <8 x i32> undef, <8 x i32> zeroinitializer
	%36 = insertelement <8 x i32> undef, i32 %lo, i32 0
	%37 = shufflevector <8 x i32> %36, <8 x i32> undef, <8 x i32> zeroinitializer
	%38 = insertelement <8 x i32> undef, i32 %hi, i32 0
	%39 = shufflevector <8 x i32> %38, <8 x i32> undef, <8 x i32> zeroinitializer
	%40 = add i64 %j0, 0
	%41 = mul i64 %40, 8
	%42 = sub i64 %ncols, 8
	%43 = icmp slt i64 %41, %42
	%44 = select i1 %43, i64 %41, i64 %42
	%45 = select i1 %33, i64 %44, i64 0
	%46 = getelementptr i32, i32* %bias, i64 %45
	%47 = bitcast i32* %46 to <8 x i32>*
	%48 = load <8 x i32>, <8 x i32>* %47, align 4
	%49 = getelementptr i32, i32* %mult, i64 %45
	%50 = bitcast i32* %49 to <8 x i32>*
	%51 = load <8 x i32>, <8 x i32>* %50, align 4
	%52 = getelementptr i32, i32* %shift, i64 %45
	%53 = bitcast i32* %52 to <8 x i32>*
	%54 = load <8 x i32>, <8 x i32>* %53, align 4
	%55 = shufflevector <16 x i32> %6, <16 x i32> %7, <16 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14, i32 16, i32 18, i32 20, i32 22, i32 24, i32 26, i32 28, i32 30>
	%56 = shufflevector <16 x i32> %6, <16 x i32> %7, <16 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15, i32 17, i32 19, i32 21, i32 23, i32 25, i32 27, i32 29, i32 31>
	%57 = add <16 x i32> %55, %56
	%58 = shufflevector <16 x i32> %57, <16 x i32> %57, <8 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14>
	%59 = shufflevector <16 x i32> %57, <16 x i32> %57, <8 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15>
	%60 = add <8 x i32> %58, %59
	%61 = add <8 x i32> %60, %48
	%62 = icmp sgt <8 x i32> %54, <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
	%63 = select <8 x i1> %62, <8 x i32> %54, <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
	%64 = sub <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>, %54
	%65 = select <8 x i1> %62, <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>, <8 x i32> %64
	%66 = shl <8 x i32> %61, %63
	%67 = icmp eq <8 x i32> %66, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%68 = icmp eq <8 x i32> %51, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%69 = and <8 x i1> %67, %68
	%70 = sext <8 x i32> %66 to <8 x i64>
	%71 = sext <8 x i32> %51 to <8 x i64>
	%72 = mul <8 x i64> %70, %71
	%73 = add <8 x i64> %72, <i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000>
	%74 = lshr <8 x i64> %73, <i64 31, i64 31, i64 31, i64 31, i64 31, i64 31, i64 31, i64 31>
	%75 = trunc <8 x i64> %74 to <8 x i32>
	%76 = select <8 x i1> %69, <8 x i32> <i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF>, <8 x i32> %75
	%77 = shl <8 x i32> <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>, %65
	%78 = sub <8 x i32> %77, <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>
	%79 = and <8 x i32> %76, %78
	%80 = ashr <8 x i32> %78, <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>
	%81 = ashr <8 x i32> %76, <i32 31, i32 31, i32 31, i32 31, i32 31, i32 31, i32 31, i32 31>
	%82 = sub <8 x i32> %80, %81
	%83 = icmp sgt <8 x i32> %79, %82
	%84 = zext <8 x i1> %83 to <8 x i32>
	%85 = ashr <8 x i32> %76, %65
	%86 = add <8 x i32> %85, %84
	%87 = add <8 x i32> %86, %35
	%88 = icmp sgt <8 x i32> %87, %37
	%89 = select <8 x i1> %88, <8 x i32> %87, <8 x i32> %37
	%90 = icmp slt <8 x i32> %89, %39
	%91 = select <8 x i1> %90, <8 x i32> %89, <8 x i32> %39
	%92 = trunc <8 x i32> %91 to <8 x i8>
	%93 = mul i64 0, %ldo
	%94 = add i64 %93, %45
	%95 = getelementptr i8, i8* %out, i64 %94
	br i1 %33, label %store.full, label %store.part

store.full:
	%96 = bitcast i8* %95 to <8 x i8>*
	store <8 x i8> %92, <8 x i8>* %96, align 1
	br label %store.join

store.part:
	store <8 x i8> %92, <8 x i8>* %0
	%97 = bitcast <8 x i8>* %0 to i8*
	br label %store.byte

store.join:
	ret void

store.byte:
	%store.byte.i = phi i64 [ 0, %store.part ], [ %102, %store.byte.body ]
	%98 = icmp slt i64 %store.byte.i, %ncols
	br i1 %98, label %store.byte.body, label %store.byte.end

store.byte.body:
	%99 = getelementptr i8, i8* %97, i64 %store.byte.i
	%100 = load i8, i8* %99
	%101 = getelementptr i8, i8* %95, i64 %store.byte.i
	store i8 %100, i8* %101
	%102 = add i64 %store.byte.i, 1
	br label %store.byte

store.byte.end:
	br label %store.join
}

define internal void @kiln_tile2x1(i64 %kq, i8* %a, i64 %lda, i8* %b, i64 %ldb, i64 %j0, i64 %ncols, i32* %bias, i32* %mult, i32* %shift, i8* %out, i64 %ldo, i32 %off, i32 %lo, i32 %hi) nounwind {
entry:
	%0 = alloca <8 x i8>, align 64
	%1 = mul i64 0, %lda
	%2 = getelementptr i8, i8* %a, i64 %1
	%3 = mul i64 1, %lda
	%4 = getelementptr i8, i8* %a, i64 %3
	%5 = add i64 %j0, 0
	%6 = mul i64 %5, %ldb
	%7 = getelementptr i8, i8* %b, i64 %6
	br label %quad

quad:
	%quad.i = phi i64 [ 0, %entry ], [ %55, %quad.body ]
	%8 = phi <16 x i32> [ zeroinitializer, %entry ], [ %31, %quad.body ]
	%9 = phi <16 x i32> [ zeroinitializer, %entry ], [ %35, %quad.body ]
	%10 = phi <16 x i32> [ zeroinitializer, %entry ], [ %50, %quad.body ]
	%11 = phi <16 x i32> [ zeroinitializer, %entry ], [ %54, %quad.body ]
	%12 = icmp slt i64 %quad.i, %kq
	br i1 %12, label %quad.body, label %quad.end

quad.body:
	%13 = mul i64 %quad.i, 32
	%14 = getelementptr i8, i8* %7, i64 %13
	%15 = bitcast i8* %14 to <32 x i8>*
	%16 = load <32 x i8>, <32 x i8>* %15, align 1
	%17 = mul i64 %quad.i, 8
	%18 = getelementptr i8, i8* %2, i64 %17
	%19 = bitcast i8* %18 to i64*
	%20 = load i64, i64* %19, align 1
	%21 = insertelement <4 x i64> undef, i64 %20, i32 0
	%22 = shufflevector <4 x i64> %21, <4 x i64> undef, <4 x i32> zeroinitializer
	%23 = bitcast <4 x i64> %22 to <16 x i16>
	%24 = shufflevector <32 x i8> %16, <32 x i8> %16, <16 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7, i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%25 = sext <16 x i8> %24 to <16 x i16>
	%26 = shufflevector <32 x i8> %16, <32 x i8> %16, <16 x i32> <i32 16, i32 17, i32 18, i32 19, i32 20, i32 21, i32 22, i32 23, i32 24, i32 25, i32 26, i32 27, i32 28, i32 29, i32 30, i32 31>
	%27 = sext <16 x i8> %26 to <16 x i16>
	%28 = sext <16 x i16> %25 to <16 x i32>
	%29 = sext <16 x i16> %23 to <16 x i32>
	%30 = mul <16 x i32> %28, %29
	%31 = add <16 x i32> %8, %30
	%32 = sext <16 x i16> %27 to <16 x i32>
	%33 = sext <16 x i16> %23 to <16 x i32>
	%34 = mul <16 x i32> %32, %33
	%35 = add <16 x i32> %9, %34
	%36 = mul i64 %quad.i, 8
	%37 = getelementptr i8, i8* %4, i64 %36
	%38 = bitcast i8* %37 to i64*
	%39 = load i64, i64* %38, align 1
	%40 = insertelement <4 x i64> undef, i64 %39, i32 0
	%41 = shufflevector <4 x i64> %40, <4 x i64> undef, <4 x i32> zeroinitializer
	%42 = bitcast <4 x i64> %41 to <16 x i16>
	%43 = shufflevector <32 x i8> %16, <32 x i8> %16, <16 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7, i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%44 = sext <16 x i8> %43 to <16 x i16>
	%45 = shufflevector <32 x i8> %16, <32 x i8> %16, <16 x i32> <i32 16, i32 17, i32 18, i32 19, i32 20, i32 21, i32 22, i32 23, i32 24, i32 25, i32 26, i32 27, i32 28, i32 29, i32 30, i32 31>
	%46 = sext <16 x i8> %45 to <16 x i16>
	%47 = sext <16 x i16> %44 to <16 x i32>
	%48 = sext <16 x i16> %42 to <16 x i32>
	%49 = mul <16 x i32> %47, %48
	%50 = add <16 x i32> %10, %49
	%51 = sext <16 x i16> %46 to <16 x i32>
	%52 = sext <16 x i16> %42 to <16 x i32>
	%53 = mul <16 x i32> %51, %52
	%54 = add <16 x i32> %11, %53
	%55 = add i64 %quad.i, 1
	br label %quad

quad.end:
	%56 = icmp sge i64 %ncols, 8
	%57 = insertelement <8 x i32> undef, i32 %off, i32 0
	%58 = shufflevector <8 x i32> %57, <8 x i32> undef, <8 x i32> zeroinitializer
	%59 = insertelement <8 x i32> undef, i32 %lo, i32 0
	%60 = shufflevector <8 x i32> %59, <8 x i32> undef, <8 x i32> zeroinitializer
	%61 = insertelement <8 x i32> undef, i32 %hi, i32 0
	%62 = shufflevector <8 x i32> %61, <8 x i32> undef, <8 x i32> zeroinitializer
	%63 = add i64 %j0, 0
	%64 = mul i64 %63, 8
	%65 = sub i64 %ncols, 8
	%66 = icmp slt i64 %64, %65
	%67 = select i1 %66, i64 %64, i64 %65
	%68 = select i1 %56, i64 %67, i64 0
	%69 = getelementptr i32, i32* %bias, i64 %68
	%70 = bitcast i32* %69 to <8 x i32>*
	%71 = load <8 x i32>, <8 x i32>* %70, align 4
	%72 = getelementptr i32, i32* %mult, i64 %68
	%73 = bitcast i32* %72 to <8 x i32>*
	%74 = load <8 x i32>, <8 x i32>* %73, align 4
	%75 = getelementptr i32, i32* %shift, i64 %68
	%76 = bitcast i32* %75 to <8 x i32>*
	%77 = load <8 x i32>, <8 x i32>* %76, align 4
	%78 = shufflevector <16 x i32> %8, <16 x i32> %9, <16 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14, i32 16, i32 18, i32 20, i32 22, i32 24, i32 26, i32 28, i32 30>
	%79 = shufflevector <16 x i32> %8, <16 x i32> %9, <16 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15, i32 17, i32 19, i32 21, i32 23, i32 25, i32 27, i32 29, i32 31>
	%80 = add <16 x i32> %78, %79
	%81 = shufflevector <16 x i32> %80, <16 x i32> %80, <8 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14>
	%82 = shufflevector <16 x i32> %80, <16 x i32> %80, <8 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15>
	%83 = add <8 x i32> %81, %82
	%84 = add <8 x i32> %83, %71
	%85 = icmp sgt <8 x i32> %77, <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
	%86 = select <8 x i1> %85, <8 x i32> %77, <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
	%87 = sub <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>, %77
	%88 = select <8 x i1> %85, <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>, <8 x i32> %87
	%89 = shl <8 x i32> %84, %86
	%90 = icmp eq <8 x i32> %89, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%91 = icmp eq <8 x i32> %74, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%92 = and <8 x i1> %90, %91
	%93 = sext <8 x i32> %89 to <8 x i64>
	%94 = sext <8 x i32> %74 to <8 x i64>
	%95 = mul <8 x i64> %93, %94
	%96 = add <8 x i64> %95, <i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000>
	%97 = lshr <8 x i64> %96, <i64 31, i64 31, i64 31, i64 31, i64 31, i64 31, i64 31, i64 31>
	%98 = trunc <8 x i64> %97 to <8 x i32>
	%99 = select <8 x i1> %92, <8 x i32> <i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF>, <8 x i32> %98
	%100 = shl <8 x i32> <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>, %88
	%101 = sub <8 x i32> %100, <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>
	%102 = and <8 x i32> %99, %101
	%103 = ashr <8 x i32> %101, <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>
	%104 = ashr <8 x i32> %99, <i32 31, i32 31, i32 31, i32 31, i32 31, i32 31, i32 31, i32 31>
	%105 = sub <8 x i32> %103, %104
	%106 = icmp sgt <8 x i32> %102, %105
	%107 = zext <8 x i1> %106 to <8 x i32>
	%108 = ashr <8 x i32> %99, %88
	%109 = add <8 x i32> %108, %107
	%110 = add <8 x i32> %109, %58
	%111 = icmp sgt <8 x i32> %110, %60
	%112 = select <8 x i1> %111, <8 x i32> %110, <8 x i32> %60
	%113 = icmp slt <8 x i32> %112, %62
	%114 = select <8 x i1> %113, <8 x i32> %112, <8 x i32> %62
	%115 = trunc <8 x i32> %114 to <8 x i8>
	%116 = mul i64 0, %ldo
	%117 = add i64 %116, %68
	%118 = getelementptr i8, i8* %out, i64 %117
	br i1 %56, label %store.full, label %store.part

store.full:
	%119 = bitcast i8* %118 to <8 x i8>*
	store <8 x i8> %115, <8 x i8>* %119, align 1
	br label %store.join

store.part:
	store <8 x i8> %115, <8 x i8>* %0
	%120 = bitcast <8 x i8>* %0 to i8*
	br label %store.byte

store.join:
	%121 = shufflevector <16 x i32> %10, <16 x i32> %11, <16 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14, i32 16, i32 18, i32 20, i32 22, i32 24, i32 26, i32 28, i32 30>
	%122 = shufflevector <16 x i32> %10, <16 x i32> %11, <16 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15, i32 17, i32 19, i32 21, i32 23, i32 25, i32 27, i32 29, i32 31>
	%123 = add <16 x i32> %121, %122
	%124 = shufflevector <16 x i32> %123, <16 x i32> %123, <8 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14>
	%125 = shufflevector <16 x i32> %123, <16 x i32> %123, <8 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15>
	%126 = add <8 x i32> %124, %125
	%127 = add <8 x i32> %126, %71
	%128 = icmp sgt <8 x i32> %77, <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
	%129 = select <8 x i1> %128, <8 x i32> %77, <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
	%130 = sub <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>, %77
	%131 = select <8 x i1> %128, <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>, <8 x i32> %130
	%132 = shl <8 x i32> %127, %129
	%133 = icmp eq <8 x i32> %132, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%134 = icmp eq <8 x i32> %74, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%135 = and <8 x i1> %133, %134
	%136 = sext <8 x i32> %132 to <8 x i64>
	%137 = sext <8 x i32> %74 to <8 x i64>
	%138 = mul <8 x i64> %136, %137
	%139 = add <8 x i64> %138, <i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000>
	%140 = lshr <8 x i64> %139, <i64 31, i64 31, i64 31, i64 31, i64 31, i64 31, i64 31, i64 31>
	%141 = trunc <8 x i64> %140 to <8 x i32>
	%142 = select <8 x i1> %135, <8 x i32> <i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF>, <8 x i32> %141
	%143 = shl <8 x i32> <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>, %131
	%144 = sub <8 x i32> %143, <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>
	%145 = and <8 x i32> %142, %144
	%146 = ashr <8 x i32> %144, <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>
	%147 = ashr <8 x i32> %142, <i32 31, i32 31, i32 31, i32 31, i32 31, i32 31, i32 31, i32 31>
	%148 = sub <8 x i32> %146, %147
	%149 = icmp sgt <8 x i32> %145, %148
	%150 = zext <8 x i1> %149 to <8 x i32>
	%151 = ashr <8 x i32> %142, %131
	%152 = add <8 x i32> %151, %150
	%153 = add <8 x i32> %152, %58
	%154 = icmp sgt <8 x i32> %153, %60
	%155 = select <8 x i1> %154, <8 x i32> %153, <8 x i32> %60
	%156 = icmp slt <8 x i32> %155, %62
	%157 = select <8 x i1> %156, <8 x i32> %155, <8 x i32> %62
	%158 = trunc <8 x i32> %157 to <8 x i8>
	%159 = mul i64 1, %ldo
	%160 = add i64 %159, %68
	%161 = getelementptr i8, i8* %out, i64 %160
	br i1 %56, label %store.full.1, label %store.part.1

store.byte:
	%store.byte.i = phi i64 [ 0, %store.part ], [ %166, %store.byte.body ]
	%162 = icmp slt i64 %store.byte.i, %ncols
	br i1 %162, label %store.byte.body, label %store.byte.end

store.byte.body:
	%163 = getelementptr i8, i8* %120, i64 %store.byte.i
	%164 = load i8, i8* %163
	%165 = getelementptr i8, i8* %118, i64 %store.byte.i
	store i8 %164, i8* %165
	%166 = add i64 %store.byte.i, 1
	br label %store.byte

store.byte.end:
	br label %store.join

store.full.1:
	%167 = bitcast i8* %161 to <8 x i8>*
	store <8 x i8> %158, <8 x i8>* %167, align 1
	br label %store.join.1

store.part.1:
	store <8 x i8> %158, <8 x i8>* %0
	%168 = bitcast <8 x i8>* %0 to i8*
	br label %store.byte.1

store.join.1:
	ret void

store.byte.1:
	%store.byte.1.i = phi i64 [ 0, %store.part.1 ], [ %173, %store.byte.1.body ]
	%169 = icmp slt i64 %store.byte.1.i, %ncols
	br i1 %169, label %store.byte.1.body, label %store.byte.1.end

store.byte.1.body:
	%170 = getelementptr i8, i8* %168, i64 %store.byte.1.i
	%171 = load i8, i8* %170
	%172 = getelementptr i8, i8* %161, i64 %store.byte.1.i
	store i8 %171, i8* %172
	%173 = add i64 %store.byte.1.i, 1
	br label %store.byte.1

store.byte.1.end:
	br label %store.join.1
}

define internal void @kiln_tile3x1(i64 %kq, i8* %a, i64 %lda, i8* %b, i64 %ldb, i64 %j0, i64 %ncols, i32* %bias, i32* %mult, i32* %shift, i8* %out, i64 %ldo, i32 %off, i32 %lo, i32 %hi) nounwind {
entry:
	%0 = alloca <8 x i8>, align 64
	%1 = mul i64 0, %lda
	%2 = getelementptr i8, i8* %a, i64 %1
	%3 = mul i64 1, %lda
	%4 = getelementptr i8, i8* %a, i64 %3
	%5 = mul i64 2, %lda
	%6 = getelementptr i8, i8* %a, i64 %5
	%7 = add i64 %j0, 0
	%8 = mul i64 %7, %ldb
	%9 = getelementptr i8, i8* %b, i64 %8
	br label %quad

quad:
	%quad.i = phi i64 [ 0, %entry ], [ %78, %quad.body ]
	%10 = phi <16 x i32> [ zeroinitializer, %entry ], [ %35, %quad.body ]
	%11 = phi <16 x i32> [ zeroinitializer, %entry ], [ %39, %quad.body ]
	%12 = phi <16 x i32> [ zeroinitializer, %entry ], [ %54, %quad.body ]
	%13 = phi <16 x i32> [ zeroinitializer, %entry ], [ %58, %quad.body ]
	%14 = phi <16 x i32> [ zeroinitializer, %entry ], [ %73, %quad.body ]
	%15 = phi <16 x i32> [ zeroinitializer, %entry ], [ %77, %quad.body ]
	%16 = icmp slt i64 %quad.i, %kq
	br i1 %16, label %quad.body, label %quad.end

quad.body:
	%17 = mul i64 %quad.i, 32
	%18 = getelementptr i8, i8* %9, i64 %17
	%19 = bitcast i8* %18 to <32 x i8>*
	%20 = load <32 x i8>, <32 x i8>* %19, align 1
	%21 = mul i64 %quad.i, 8
	%22 = getelementptr i8, i8* %2, i64 %21
	%23 = bitcast i8* %22 to i64*
	%24 = load i64, i64* %23, align 1
	%25 = insertelement <4 x i64> undef, i64 %24, i32 0
	%26 = shufflevector <4 x i64> %25, <4 x i64> undef, <4 x i32> zeroinitializer
	%27 = bitcast <4 x i64> %26 to <16 x i16>
	%28 = shufflevector <32 x i8> %20, <32 x i8> %20, <16 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7, i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%29 = sext <16 x i8> %28 to <16 x i16>
	%30 = shufflevector <32 x i8> %20, <32 x i8> %20, <16 x i32> <i32 16, i32 17, i32 18, i32 19, i32 20, i32 21, i32 22, i32 23, i32 24, i32 25, i32 26, i32 27, i32 28, i32 29, i32 30, i32 31>
	%31 = sext <16 x i8> %30 to <16 x i16>
	%32 = sext <16 x i16> %29 to <16 x i32>
	%33 = sext <16 x i16> %27 to <16 x i32>
	%34 = mul <16 x i32> %32, %33
	%35 = add <16 x i32> %10, %34
	%36 = sext <16 x i16> %31 to <16 x i32>
	%37 = sext <16 x i16> %27 to <16 x i32>
	%38 = mul <16 x i32> %36, %37
	%39 = add <16 x i32> %11, %38
	%40 = mul i64 %quad.i, 8
	%41 = getelementptr i8, i8* %4, i64 %40
	%42 = bitcast i8* %41 to i64*
	%43 = load i64, i64* %42, align 1
	%44 = insertelement <4 x i64> undef, i64 %43, i32 0
	%45 = shufflevector <4 x i64> %44, <4 x i64> undef, <4 x i32> zeroinitializer
	%46 = bitcast <4 x i64> %45 to <16 x i16>
	%47 = shufflevector <32 x i8> %20, <32 x i8> %20, <16 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7, i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%48 = sext <16 x i8> %47 to <16 x i16>
	%49 = shufflevector <32 x i8> %20, <32 x i8> %20, <16 x i32> <i32 16, i32 17, i32 18, i32 19, i32 20, i32 21, i32 22, i32 23, i32 24, i32 25, i32 26, i32 27, i32 28, i32 29, i32 30, i32 31>
	%50 = sext <16 x i8> %49 to <16 x i16>
	%51 = sext <16 x i16> %48 to <16 x i32>
	%52 = sext <16 x i16> %46 to <16 x i32>
	%53 = mul <16 x i32> %51, %52
	%54 = add <16 x i32> %12, %53
	%55 = sext <16 x i16> %50 to <16 x i32>
	%56 = sext <16 x i16> %46 to <16 x i32>
	%57 = mul <16 x i32> %55, %56
	%58 = add <16 x i32> %13, %57
	%59 = mul i64 %quad.i, 8
	%60 = getelementptr i8, i8* %6, i64 %59
	%61 = bitcast i8* %60 to i64*
	%62 = load i64, i64* %61, align 1
	%63 = insertelement <4 x i64> undef, i64 %62, i32 0
	%64 = shufflevector <4 x i64> %63, <4 x i64> undef, <4 x i32> zeroinitializer
	%65 = bitcast <4 x i64> %64 to <16 x i16>
	%66 = shufflevector <32 x i8> %20, <32 x i8> %20, <16 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7, i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%67 = sext <16 x i8> %66 to <16 x i16>
	%68 = shufflevector <32 x i8> %20, <32 x i8> %20, <16 x i32> <i32 16, i32 17, i32 18, i32 19, i32 20, i32 21, i32 22, i32 23, i32 24, i32 25, i32 26, i32 27, i32 28, i32 29, i32 30, i32 31>
	%69 = sext <16 x i8> %68 to <16 x i16>
	%70 = sext <16 x i16> %67 to <16 x i32>
	%71 = sext <16 x i16> %65 to <16 x i32>
	%72 = mul <16 x i32> %70, %71
	%73 = add <16 x i32> %14, %72
	%74 = sext <16 x i16> %69 to <16 x i32>
	%75 = sext <16 x i16> %65 to <16 x i32>
	%76 = mul <16 x i32> %74, %75
	%77 = add <16 x i32> %15, %76
	%78 = add i64 %quad.i, 1
	br label %quad

quad.end:
	%79 = icmp sge i64 %ncols, 8
	%80 = insertelement <8 x i32> undef, i32 %off, i32 0
	%81 = shufflevector <8 x i32> %80, <8 x i32> undef, <8 x i32> zeroinitializer
	%82 = insertelement <8 x i32> undef, i32 %lo, i32 0
	%83 = shufflevector <8 x i32> %82, <8 x i32> undef, <8 x i32> zeroinitializer
	%84 = insertelement <8 x i32> undef, i32 %hi, i32 0
	%85 = shufflevector <8 x i32> %84, <8 x i32> undef, <8 x i32> zeroinitializer
	%86 = add i64 %j0, 0
	%87 = mul i64 %86, 8
	%88 = sub i64 %ncols, 8
	%89 = icmp slt i64 %87, %88
	%90 = select i1 %89, i64 %87, i64 %88
	%91 = select i1 %79, i64 %90, i64 0
	%92 = getelementptr i32, i32* %bias, i64 %91
	%93 = bitcast i32* %92 to <8 x i32>*
	%94 = load <8 x i32>, <8 x i32>* %93, align 4
	%95 = getelementptr i32, i32* %mult, i64 %91
	%96 = bitcast i32* %95 to <8 x i32>*
	%97 = load <8 x i32>, <8 x i32>* %96, align 4
	%98 = getelementptr i32, i32* %shift, i64 %91
	%99 = bitcast i32* %98 to <8 x i32>*
	%100 = load <8 x i32>, <8 x i32>* %99, align 4
	%101 = shufflevector <16 x i32> %10, <16 x i32> %11, <16 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14, i32 16, i32 18, i32 20, i32 22, i32 24, i32 26, i32 28, i32 30>
	%102 = shufflevector <16 x i32> %10, <16 x i32> %11, <16 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15, i32 17, i32 19, i32 21, i32 23, i32 25, i32 27, i32 29, i32 31>
	%103 = add <16 x i32> %101, %102
	%104 = shufflevector <16 x i32> %103, <16 x i32> %103, <8 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14>
	%105 = shufflevector <16 x i32> %103, <16 x i32> %103, <8 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15>
	%106 = add <8 x i32> %104, %105
	%107 = add <8 x i32> %106, %94
	%108 = icmp sgt <8 x i32> %100, <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
	%109 = select <8 x i1> %108, <8 x i32> %100, <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
	%110 = sub <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>, %100
	%111 = select <8 x i1> %108, <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>, <8 x i32> %110
	%112 = shl <8 x i32> %107, %109
	%113 = icmp eq <8 x i32> %112, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%114 = icmp eq <8 x i32> %97, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%115 = and <8 x i1> %113, %114
	%116 = sext <8 x i32> %112 to <8 x i64>
	%117 = sext <8 x i32> %97 to <8 x i64>
	%118 = mul <8 x i64> %116, %117
	%119 = add <8 x i64> %118, <i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000>
	%120 = lshr <8 x i64> %119, <i64 31, i64 31, i64 31, i64 31, i64 31, i64 31, i64 31, i64 31>
	%121 = trunc <8 x i64> %120 to <8 x i32>
	%122 = select <8 x i1> %115, <8 x i32> <i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF>, <8 x i32> %121
	%123 = shl <8 x i32> <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>, %111
	%124 = sub <8 x i32> %123, <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>
	%125 = and <8 x i32> %122, %124
	%126 = ashr <8 x i32> %124, <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>
	%127 = ashr <8 x i32> %122, <i32 31, i32 31, i32 31, i32 31, i32 31, i32 31, i32 31, i32 31>
	%128 = sub <8 x i32> %126, %127
	%129 = icmp sgt <8 x i32> %125, %128
	%130 = zext <8 x i1> %129 to <8 x i32>
	%131 = ashr <8 x i32> %122, %111
	%132 = add <8 x i32> %131, %130
	%133 = add <8 x i32> %132, %81
	%134 = icmp sgt <8 x i32> %133, %83
	%135 = select <8 x i1> %134, <8 x i32> %133, <8 x i32> %83
	%136 = icmp slt <8 x i32> %135, %85
	%137 = select <8 x i1> %136, <8 x i32> %135, <8 x i32> %85
	%138 = trunc <8 x i32> %137 to <8 x i8>
	%139 = mul i64 0, %ldo
	%140 = add i64 %139, %91
	%141 = getelementptr i8, i8* %out, i64 %140
	br i1 %79, label %store.full, label %store.part

store.full:
	%142 = bitcast i8* %141 to <8 x i8>*
	store <8 x i8> %138, <8 x i8>* %142, align 1
	br label %store.join

store.part:
	store <8 x i8> %138, <8 x i8>* %0
	%143 = bitcast <8 x i8>* %0 to i8*
	br label %store.byte

store.join:
	%144 = shufflevector <16 x i32> %12, <16 x i32> %13, <16 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14, i32 16, i32 18, i32 20, i32 22, i32 24, i32 26, i32 28, i32 30>
	%145 = shufflevector <16 x i32> %12, <16 x i32> %13, <16 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15, i32 17, i32 19, i32 21, i32 23, i32 25, i32 27, i32 29, i32 31>
	%146 = add <16 x i32> %144, %145
	%147 = shufflevector <16 x i32> %146, <16 x i32> %146, <8 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14>
	%148 = shufflevector <16 x i32> %146, <16 x i32> %146, <8 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15>
	%149 = add <8 x i32> %147, %148
	%150 = add <8 x i32> %149, %94
	%151 = icmp sgt <8 x i32> %100, <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
	%152 = select <8 x i1> %151, <8 x i32> %100, <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
	%153 = sub <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>, %100
	%154 = select <8 x i1> %151, <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>, <8 x i32> %153
	%155 = shl <8 x i32> %150, %152
	%156 = icmp eq <8 x i32> %155, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%157 = icmp eq <8 x i32> %97, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%158 = and <8 x i1> %156, %157
	%159 = sext <8 x i32> %155 to <8 x i64>
	%160 = sext <8 x i32> %97 to <8 x i64>
	%161 = mul <8 x i64> %159, %160
	%162 = add <8 x i64> %161, <i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000>
	%163 = lshr <8 x i64> %162, <i64 31, i64 31, i64 31, i64 31, i64 31, i64 31, i64 31, i64 31>
	%164 = trunc <8 x i64> %163 to <8 x i32>
	%165 = select <8 x i1> %158, <8 x i32> <i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF>, <8 x i32> %164
	%166 = shl <8 x i32> <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>, %154
	%167 = sub <8 x i32> %166, <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>
	%168 = and <8 x i32> %165, %167
	%169 = ashr <8 x i32> %167, <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>
	%170 = ashr <8 x i32> %165, <i32 31, i32 31, i32 31, i32 31, i32 31, i32 31, i32 31, i32 31>
	%171 = sub <8 x i32> %169, %170
	%172 = icmp sgt <8 x i32> %168, %171
	%173 = zext <8 x i1> %172 to <8 x i32>
	%174 = ashr <8 x i32> %165, %154
	%175 = add <8 x i32> %174, %173
	%176 = add <8 x i32> %175, %81
	%177 = icmp sgt <8 x i32> %176, %83
	%178 = select <8 x i1> %177, <8 x i32> %176, <8 x i32> %83
	%179 = icmp slt <8 x i32> %178, %85
	%180 = select <8 x i1> %179, <8 x i32> %178, <8 x i32> %85
	%181 = trunc <8 x i32> %180 to <8 x i8>
	%182 = mul i64 1, %ldo
	%183 = add i64 %182, %91
	%184 = getelementptr i8, i8* %out, i64 %183
	br i1 %79, label %store.full.1, label %store.part.1

store.byte:
	%store.byte.i = phi i64 [ 0, %store.part ], [ %189, %store.byte.body ]
	%185 = icmp slt i64 %store.byte.i, %ncols
	br i1 %185, label %store.byte.body, label %store.byte.end

store.byte.body:
	%186 = getelementptr i8, i8* %143, i64 %store.byte.i
	%187 = load i8, i8* %186
	%188 = getelementptr i8, i8* %141, i64 %store.byte.i
	store i8 %187, i8* %188
	%189 = add i64 %store.byte.i, 1
	br label %store.byte

store.byte.end:
	br label %store.join

store.full.1:
	%190 = bitcast i8* %184 to <8 x i8>*
	store <8 x i8> %181, <8 x i8>* %190, align 1
	br label %store.join.1

store.part.1:
	store <8 x i8> %181, <8 x i8>* %0
	%191 = bitcast <8 x i8>* %0 to i8*
	br label %store.byte.1

store.join.1:
	%192 = shufflevector <16 x i32> %14, <16 x i32> %15, <16 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14, i32 16, i32 18, i32 20, i32 22, i32 24, i32 26, i32 28, i32 30>
	%193 = shufflevector <16 x i32> %14, <16 x i32> %15, <16 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15, i32 17, i32 19, i32 21, i32 23, i32 25, i32 27, i32 29, i32 31>
	%194 = add <16 x i32> %192, %193
	%195 = shufflevector <16 x i32> %194, <16 x i32> %194, <8 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14>
	%196 = shufflevector <16 x i32> %194, <16 x i32> %194, <8 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15>
	%197 = add <8 x i32> %195, %196
	%198 = add <8 x i32> %197, %94
	%199 = icmp sgt <8 x i32> %100, <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
	%200 = select <8 x i1> %199, <8 x i32> %100, <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
	%201 = sub <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>, %100
	%202 = select <8 x i1> %199, <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>, <8 x i32> %201
	%203 = shl <8 x i32> %198, %200
	%204 = icmp eq <8 x i32> %203, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%205 = icmp eq <8 x i32> %97, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%206 = and <8 x i1> %204, %205
	%207 = sext <8 x i32> %203 to <8 x i64>
	%208 = sext <8 x i32> %97 to <8 x i64>
	%209 = mul <8 x i64> %207, %208
	%210 = add <8 x i64> %209, <i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000>
	%211 = lshr <8 x i64> %210, <i64 31, i64 31, i64 31, i64 31, i64 31, i64 31, i64 31, i64 31>
	%212 = trunc <8 x i64> %211 to <8 x i32>
	%213 = select <8 x i1> %206, <8 x i32> <i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF>, <8 x i32> %212
	%214 = shl <8 x i32> <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>, %202
	%215 = sub <8 x i32> %214, <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>
	%216 = and <8 x i32> %213, %215
	%217 = ashr <8 x i32> %215, <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>
	%218 = ashr <8 x i32> %213, <i32 31, i32 31, i32 31, i32 31, i32 31, i32 31, i32 31, i32 31>
	%219 = sub <8 x i32> %217, %218
	%220 = icmp sgt <8 x i32> %216, %219
	%221 = zext <8 x i1> %220 to <8 x i32>
	%222 = ashr <8 x i32> %213, %202
	%223 = add <8 x i32> %222, %221
	%224 = add <8 x i32> %223, %81
	%225 = icmp sgt <8 x i32> %224, %83
	%226 = select <8 x i1> %225, <8 x i32> %224, <8 x i32> %83
	%227 = icmp slt <8 x i32> %226, %85
	%228 = select <8 x i1> %227, <8 x i32> %226, <8 x i32> %85
	%229 = trunc <8 x i32> %228 to <8 x i8>
	%230 = mul i64 2, %ldo
	%231 = add i64 %230, %91
	%232 = getelementptr i8, i8* %out, i64 %231
	br i1 %79, label %store.full.2, label %store.part.2

store.byte.1:
	%store.byte.1.i = phi i64 [ 0, %store.part.1 ], [ %237, %store.byte.1.body ]
	%233 = icmp slt i64 %store.byte.1.i, %ncols
	br i1 %233, label %store.byte.1.body, label %store.byte.1.end

store.byte.1.body:
	%234 = getelementptr i8, i8* %191, i64 %store.byte.1.i
	%235 = load i8, i8* %234
	%236 = getelementptr i8, i8* %184, i64 %store.byte.1.i
	store i8 %235, i8* %236
	%237 = add i64 %store.byte.1.i, 1
	br label %store.byte.1

store.byte.1.end:
	br label %store.join.1

store.full.2:
	%238 = bitcast i8* %232 to <8 x i8>*
	store <8 x i8> %229, <8 x i8>* %238, align 1
	br label %store.join.2

store.part.2:
	store <8 x i8> %229, <8 x i8>* %0
	%239 = bitcast <8 x i8>* %0 to i8*
	br label %store.byte.2

store.join.2:
	ret void

store.byte.2:
	%store.byte.2.i = phi i64 [ 0, %store.part.2 ], [ %244, %store.byte.2.body ]
	%240 = icmp slt i64 %store.byte.2.i, %ncols
	br i1 %240, label %store.byte.2.body, label %store.byte.2.end

store.byte.2.body:
	%241 = getelementptr i8, i8* %239, i64 %store.byte.2.i
	%242 = load i8, i8* %241
	%243 = getelementptr i8, i8* %232, i64 %store.byte.2.i
	store i8 %242, i8* %243
	%244 = add i64 %store.byte.2.i, 1
	br label %store.byte.2

store.byte.2.end:
	br label %store.join.2
}

define internal void @kiln_tile4x1(i64 %kq, i8* %a, i64 %lda, i8* %b, i64 %ldb, i64 %j0, i64 %ncols, i32* %bias, i32* %mult, i32* %shift, i8* %out, i64 %ldo, i32 %off, i32 %lo, i32 %hi) nounwind {
entry:
	%0 = alloca <8 x i8>, align 64
	%1 = mul i64 0, %lda
	%2 = getelementptr i8, i8* %a, i64 %1
	%3 = mul i64 1, %lda
	%4 = getelementptr i8, i8* %a, i64 %3
	%5 = mul i64 2, %lda
	%6 = getelementptr i8, i8* %a, i64 %5
	%7 = mul i64 3, %lda
	%8 = getelementptr i8, i8* %a, i64 %7
	%9 = add i64 %j0, 0
	%10 = mul i64 %9, %ldb
	%11 = getelementptr i8, i8* %b, i64 %10
	br label %quad

quad:
	%quad.i = phi i64 [ 0, %entry ], [ %101, %quad.body ]
	%12 = phi <16 x i32> [ zeroinitializer, %entry ], [ %39, %quad.body ]
	%13 = phi <16 x i32> [ zeroinitializer, %entry ], [ %43, %quad.body ]
	%14 = phi <16 x i32> [ zeroinitializer, %entry ], [ %58, %quad.body ]
	%15 = phi <16 x i32> [ zeroinitializer, %entry ], [ %62, %quad.body ]
	%16 = phi <16 x i32> [ zeroinitializer, %entry ], [ %77, %quad.body ]
	%17 = phi <16 x i32> [ zeroinitializer, %entry ], [ %81, %quad.body ]
	%18 = phi <16 x i32> [ zeroinitializer, %entry ], [ %96, %quad.body ]
	%19 = phi <16 x i32> [ zeroinitializer, %entry ], [ %100, %quad.body ]
	%20 = icmp slt i64 %quad.i, %kq
	br i1 %20, label %quad.body, label %quad.end

quad.body:
	%21 = mul i64 %quad.i, 32
	%22 = getelementptr i8, i8* %11, i64 %21
	%23 = bitcast i8* %22 to <32 x i8>*
	%24 = load <32 x i8>, <32 x i8>* %23, align 1
	%25 = mul i64 %quad.i, 8
	%26 = getelementptr i8, i8* %2, i64 %25
	%27 = bitcast i8* %26 to i64*
	%28 = load i64, i64* %27, align 1
	%29 = insertelement <4 x i64> undef, i64 %28, i32 0
	%30 = shufflevector <4 x i64> %29, <4 x i64> undef, <4 x i32> zeroinitializer
	%31 = bitcast <4 x i64> %30 to <16 x i16>
	%32 = shufflevector <32 x i8> %24, <32 x i8> %24, <16 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7, i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%33 = sext <16 x i8> %32 to <16 x i16>
	%34 = shufflevector <32 x i8> %24, <32 x i8> %24, <16 x i32> <i32 16, i32 17, i32 18, i32 19, i32 20, i32 21, i32 22, i32 23, i32 24, i32 25, i32 26, i32 27, i32 28, i32 29, i32 30, i32 31>
	%35 = sext <16 x i8> %34 to <16 x i16>
	%36 = sext <16 x i16> %33 to <16 x i32>
	%37 = sext <16 x i16> %31 to <16 x i32>
	%38 = mul <16 x i32> %36, %37
	%39 = add <16 x i32> %12, %38
	%40 = sext <16 x i16> %35 to <16 x i32>
	%41 = sext <16 x i16> %31 to <16 x i32>
	%42 = mul <16 x i32> %40, %41
	%43 = add <16 x i32> %13, %42
	%44 = mul i64 %quad.i, 8
	%45 = getelementptr i8, i8* %4, i64 %44
	%46 = bitcast i8* %45 to i64*
	%47 = load i64, i64* %46, align 1
	%48 = insertelement <4 x i64> undef, i64 %47, i32 0
	%49 = shufflevector <4 x i64> %48, <4 x i64> undef, <4 x i32> zeroinitializer
	%50 = bitcast <4 x i64> %49 to <16 x i16>
	%51 = shufflevector <32 x i8> %24, <32 x i8> %24, <16 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7, i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%52 = sext <16 x i8> %51 to <16 x i16>
	%53 = shufflevector <32 x i8> %24, <32 x i8> %24, <16 x i32> <i32 16, i32 17, i32 18, i32 19, i32 20, i32 21, i32 22, i32 23, i32 24, i32 25, i32 26, i32 27, i32 28, i32 29, i32 30, i32 31>
	%54 = sext <16 x i8> %53 to <16 x i16>
	%55 = sext <16 x i16> %52 to <16 x i32>
	%56 = sext <16 x i16> %50 to <16 x i32>
	%57 = mul <16 x i32> %55, %56
	%58 = add <16 x i32> %14, %57
	%59 = sext <16 x i16> %54 to <16 x i32>
	%60 = sext <16 x i16> %50 to <16 x i32>
	%61 = mul <16 x i32> %59, %60
	%62 = add <16 x i32> %15, %61
	%63 = mul i64 %quad.i, 8
	%64 = getelementptr i8, i8* %6, i64 %63
	%65 = bitcast i8* %64 to i64*
	%66 = load i64, i64* %65, align 1
	%67 = insertelement <4 x i64> undef, i64 %66, i32 0
	%68 = shufflevector <4 x i64> %67, <4 x i64> undef, <4 x i32> zeroinitializer
	%69 = bitcast <4 x i64> %68 to <16 x i16>
	%70 = shufflevector <32 x i8> %24, <32 x i8> %24, <16 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7, i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%71 = sext <16 x i8> %70 to <16 x i16>
	%72 = shufflevector <32 x i8> %24, <32 x i8> %24, <16 x i32> <i32 16, i32 17, i32 18, i32 19, i32 20, i32 21, i32 22, i32 23, i32 24, i32 25, i32 26, i32 27, i32 28, i32 29, i32 30, i32 31>
	%73 = sext <16 x i8> %72 to <16 x i16>
	%74 = sext <16 x i16> %71 to <16 x i32>
	%75 = sext <16 x i16> %69 to <16 x i32>
	%76 = mul <16 x i32> %74, %75
	%77 = add <16 x i32> %16, %76
	%78 = sext <16 x i16> %73 to <16 x i32>
	%79 = sext <16 x i16> %69 to <16 x i32>
	%80 = mul <16 x i32> %78, %79
	%81 = add <16 x i32> %17, %80
	%82 = mul i64 %quad.i, 8
	%83 = getelementptr i8, i8* %8, i64 %82
	%84 = bitcast i8* %83 to i64*
	%85 = load i64, i64* %84, align 1
	%86 = insertelement <4 x i64> undef, i64 %85, i32 0
	%87 = shufflevector <4 x i64> %86, <4 x i64> undef, <4 x i32> zeroinitializer
	%88 = bitcast <4 x i64> %87 to <16 x i16>
	%89 = shufflevector <32 x i8> %24, <32 x i8> %24, <16 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7, i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%90 = sext <16 x i8> %89 to <16 x i16>
	%91 = shufflevector <32 x i8> %24, <32 x i8> %24, <16 x i32> <i32 16, i32 17, i32 18, i32 19, i32 20, i32 21, i32 22, i32 23, i32 24, i32 25, i32 26, i32 27, i32 28, i32 29, i32 30, i32 31>
	%92 = sext <16 x i8> %91 to <16 x i16>
	%93 = sext <16 x i16> %90 to <16 x i32>
	%94 = sext <16 x i16> %88 to <16 x i32>
	%95 = mul <16 x i32> %93, %94
	%96 = add <16 x i32> %18, %95
	%97 = sext <16 x i16> %92 to <16 x i32>
	%98 = sext <16 x i16> %88 to <16 x i32>
	%99 = mul <16 x i32> %97, %98
	%100 = add <16 x i32> %19, %99
	%101 = add i64 %quad.i, 1
	br label %quad

quad.end:
	%102 = icmp sge i64 %ncols, 8
	%103 = insertelement <8 x i32> undef, i32 %off, i32 0
	%104 = shufflevector <8 x i32> %103, <8 x i32> undef, <8 x i32> zeroinitializer
	%105 = insertelement <8 x i32> undef, i32 %lo, i32 0
	%106 = shufflevector <8 x i32> %105, <8 x i32> undef, <8 x i32> zeroinitializer
	%107 = insertelement <8 x i32> undef, i32 %hi, i32 0
	%108 = shufflevector <8 x i32> %107, <8 x i32> undef, <8 x i32> zeroinitializer
	%109 = add i64 %j0, 0
	%110 = mul i64 %109, 8
	%111 = sub i64 %ncols, 8
	%112 = icmp slt i64 %110, %111
	%113 = select i1 %112, i64 %110, i64 %111
	%114 = select i1 %102, i64 %113, i64 0
	%115 = getelementptr i32, i32* %bias, i64 %114
	%116 = bitcast i32* %115 to <8 x i32>*
	%117 = load <8 x i32>, <8 x i32>* %116, align 4
	%118 = getelementptr i32, i32* %mult, i64 %114
	%119 = bitcast i32* %118 to <8 x i32>*
	%120 = load <8 x i32>, <8 x i32>* %119, align 4
	%121 = getelementptr i32, i32* %shift, i64 %114
	%122 = bitcast i32* %121 to <8 x i32>*
	%123 = load <8 x i32>, <8 x i32>* %122, align 4
	%124 = shufflevector <16 x i32> %12, <16 x i32> %13, <16 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14, i32 16, i32 18, i32 20, i32 22, i32 24, i32 26, i32 28, i32 30>
	%125 = shufflevector <16 x i32> %12, <16 x i32> %13, <16 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15, i32 17, i32 19, i32 21, i32 23, i32 25, i32 27, i32 29, i32 31>
	%126 = add <16 x i32> %124, %125
	%127 = shufflevector <16 x i32> %126, <16 x i32> %126, <8 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14>
	%128 = shufflevector <16 x i32> %126, <16 x i32> %126, <8 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15>
	%129 = add <8 x i32> %127, %128
	%130 = add <8 x i32> %129, %117
	%131 = icmp sgt <8 x i32> %123, <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
	%132 = select <8 x i1> %131, <8 x i32> %123, <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
	%133 = sub <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>, %123
	%134 = select <8 x i1> %131, <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>, <8 x i32> %133
	%135 = shl <8 x i32> %130, %132
	%136 = icmp eq <8 x i32> %135, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%137 = icmp eq <8 x i32> %120, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%138 = and <8 x i1> %136, %137
	%139 = sext <8 x i32> %135 to <8 x i64>
	%140 = sext <8 x i32> %120 to <8 x i64>
	%141 = mul <8 x i64> %139, %140
	%142 = add <8 x i64> %141, <i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000>
	%143 = lshr <8 x i64> %142, <i64 31, i64 31, i64 31, i64 31, i64 31, i64 31, i64 31, i64 31>
	%144 = trunc <8 x i64> %143 to <8 x i32>
	%145 = select <8 x i1> %138, <8 x i32> <i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF>, <8 x i32> %144
	%146 = shl <8 x i32> <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>, %134
	%147 = sub <8 x i32> %146, <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>
	%148 = and <8 x i32> %145, %147
	%149 = ashr <8 x i32> %147, <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>
	%150 = ashr <8 x i32> %145, <i32 31, i32 31, i32 31, i32 31, i32 31, i32 31, i32 31, i32 31>
	%151 = sub <8 x i32> %149, %150
	%152 = icmp sgt <8 x i32> %148, %151
	%153 = zext <8 x i1> %152 to <8 x i32>
	%154 = ashr <8 x i32> %145, %134
	%155 = add <8 x i32> %154, %153
	%156 = add <8 x i32> %155, %104
	%157 = icmp sgt <8 x i32> %156, %106
	%158 = select <8 x i1> %157, <8 x i32> %156, <8 x i32> %106
	%159 = icmp slt <8 x i32> %158, %108
	%160 = select <8 x i1> %159, <8 x i32> %158, <8 x i32> %108
	%161 = trunc <8 x i32> %160 to <8 x i8>
	%162 = mul i64 0, %ldo
	%163 = add i64 %162, %114
	%164 = getelementptr i8, i8* %out, i64 %163
	br i1 %102, label %store.full, label %store.part

store.full:
	%165 = bitcast i8* %164 to <8 x i8>*
	store <8 x i8> %161, <8 x i8>* %165, align 1
	br label %store.join

store.part:
	store <8 x i8> %161, <8 x i8>* %0
	%166 = bitcast <8 x i8>* %0 to i8*
	br label %store.byte

store.join:
	%167 = shufflevector <16 x i32> %14, <16 x i32> %15, <16 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14, i32 16, i32 18, i32 20, i32 22, i32 24, i32 26, i32 28, i32 30>
	%168 = shufflevector <16 x i32> %14, <16 x i32> %15, <16 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15, i32 17, i32 19, i32 21, i32 23, i32 25, i32 27, i32 29, i32 31>
	%169 = add <16 x i32> %167, %168
	%170 = shufflevector <16 x i32> %169, <16 x i32> %169, <8 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14>
	%171 = shufflevector <16 x i32> %169, <16 x i32> %169, <8 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15>
	%172 = add <8 x i32> %170, %171
	%173 = add <8 x i32> %172, %117
	%174 = icmp sgt <8 x i32> %123, <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
	%175 = select <8 x i1> %174, <8 x i32> %123, <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
	%176 = sub <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>, %123
	%177 = select <8 x i1> %174, <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>, <8 x i32> %176
	%178 = shl <8 x i32> %173, %175
	%179 = icmp eq <8 x i32> %178, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%180 = icmp eq <8 x i32> %120, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%181 = and <8 x i1> %179, %180
	%182 = sext <8 x i32> %178 to <8 x i64>
	%183 = sext <8 x i32> %120 to <8 x i64>
	%184 = mul <8 x i64> %182, %183
	%185 = add <8 x i64> %184, <i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000>
	%186 = lshr <8 x i64> %185, <i64 31, i64 31, i64 31, i64 31, i64 31, i64 31, i64 31, i64 31>
	%187 = trunc <8 x i64> %186 to <8 x i32>
	%188 = select <8 x i1> %181, <8 x i32> <i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF>, <8 x i32> %187
	%189 = shl <8 x i32> <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>, %177
	%190 = sub <8 x i32> %189, <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>
	%191 = and <8 x i32> %188, %190
	%192 = ashr <8 x i32> %190, <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>
	%193 = ashr <8 x i32> %188, <i32 31, i32 31, i32 31, i32 31, i32 31, i32 31, i32 31, i32 31>
	%194 = sub <8 x i32> %192, %193
	%195 = icmp sgt <8 x i32> %191, %194
	%196 = zext <8 x i1> %195 to <8 x i32>
	%197 = ashr <8 x i32> %188, %177
	%198 = add <8 x i32> %197, %196
	%199 = add <8 x i32> %198, %104
	%200 = icmp sgt <8 x i32> %199, %106
	%201 = select <8 x i1> %200, <8 x i32> %199, <8 x i32> %106
	%202 = icmp slt <8 x i32> %201, %108
	%203 = select <8 x i1> %202, <8 x i32> %201, <8 x i32> %108
	%204 = trunc <8 x i32> %203 to <8 x i8>
	%205 = mul i64 1, %ldo
	%206 = add i64 %205, %114
	%207 = getelementptr i8, i8* %out, i64 %206
	br i1 %102, label %store.full.1, label %store.part.1

store.byte:
	%store.byte.i = phi i64 [ 0, %store.part ], [ %212, %store.byte.body ]
	%208 = icmp slt i64 %store.byte.i, %ncols
	br i1 %208, label %store.byte.body, label %store.byte.end

store.byte.body:
	%209 = getelementptr i8, i8* %166, i64 %store.byte.i
	%210 = load i8, i8* %209
	%211 = getelementptr i8, i8* %164, i64 %store.byte.i
	store i8 %210, i8* %211
	%212 = add i64 %store.byte.i, 1
	br label %store.byte

store.byte.end:
	br label %store.join

store.full.1:
	%213 = bitcast i8* %207 to <8 x i8>*
	store <8 x i8> %204, <8 x i8>* %213, align 1
	br label %store.join.1

store.part.1:
	store <8 x i8> %204, <8 x i8>* %0
	%214 = bitcast <8 x i8>* %0 to i8*
	br label %store.byte.1

store.join.1:
	%215 = shufflevector <16 x i32> %16, <16 x i32> %17, <16 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14, i32 16, i32 18, i32 20, i32 22, i32 24, i32 26, i32 28, i32 30>
	%216 = shufflevector <16 x i32> %16, <16 x i32> %17, <16 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15, i32 17, i32 19, i32 21, i32 23, i32 25, i32 27, i32 29, i32 31>
	%217 = add <16 x i32> %215, %216
	%218 = shufflevector <16 x i32> %217, <16 x i32> %217, <8 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14>
	%219 = shufflevector <16 x i32> %217, <16 x i32> %217, <8 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15>
	%220 = add <8 x i32> %218, %219
	%221 = add <8 x i32> %220, %117
	%222 = icmp sgt <8 x i32> %123, <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
	%223 = select <8 x i1> %222, <8 x i32> %123, <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
	%224 = sub <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>, %123
	%225 = select <8 x i1> %222, <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>, <8 x i32> %224
	%226 = shl <8 x i32> %221, %223
	%227 = icmp eq <8 x i32> %226, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%228 = icmp eq <8 x i32> %120, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%229 = and <8 x i1> %227, %228
	%230 = sext <8 x i32> %226 to <8 x i64>
	%231 = sext <8 x i32> %120 to <8 x i64>
	%232 = mul <8 x i64> %230, %231
	%233 = add <8 x i64> %232, <i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000>
	%234 = lshr <8 x i64> %233, <i64 31, i64 31, i64 31, i64 31, i64 31, i64 31, i64 31, i64 31>
	%235 = trunc <8 x i64> %234 to <8 x i32>
	%236 = select <8 x i1> %229, <8 x i32> <i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF>, <8 x i32> %235
	%237 = shl <8 x i32> <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>, %225
	%238 = sub <8 x i32> %237, <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>
	%239 = and <8 x i32> %236, %238
	%240 = ashr <8 x i32> %238, <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>
	%241 = ashr <8 x i32> %236, <i32 31, i32 31, i32 31, i32 31, i32 31, i32 31, i32 31, i32 31>
	%242 = sub <8 x i32> %240, %241
	%243 = icmp sgt <8 x i32> %239, %242
	%244 = zext <8 x i1> %243 to <8 x i32>
	%245 = ashr <8 x i32> %236, %225
	%246 = add <8 x i32> %245, %244
	%247 = add <8 x i32> %246, %104
	%248 = icmp sgt <8 x i32> %247, %106
	%249 = select <8 x i1> %248, <8 x i32> %247, <8 x i32> %106
	%250 = icmp slt <8 x i32> %249, %108
	%251 = select <8 x i1> %250, <8 x i32> %249, <8 x i32> %108
	%252 = trunc <8 x i32> %251 to <8 x i8>
	%253 = mul i64 2, %ldo
	%254 = add i64 %253, %114
	%255 = getelementptr i8, i8* %out, i64 %254
	br i1 %102, label %store.full.2, label %store.part.2

store.byte.1:
	%store.byte.1.i = phi i64 [ 0, %store.part.1 ], [ %260, %store.byte.1.body ]
	%256 = icmp slt i64 %store.byte.1.i, %ncols
	br i1 %256, label %store.byte.1.body, label %store.byte.1.end

store.byte.1.body:
	%257 = getelementptr i8, i8* %214, i64 %store.byte.1.i
	%258 = load i8, i8* %257
	%259 = getelementptr i8, i8* %207, i64 %store.byte.1.i
	store i8 %258, i8* %259
	%260 = add i64 %store.byte.1.i, 1
	br label %store.byte.1

store.byte.1.end:
	br label %store.join.1

store.full.2:
	%261 = bitcast i8* %255 to <8 x i8>*
	store <8 x i8> %252, <8 x i8>* %261, align 1
	br label %store.join.2

store.part.2:
	store <8 x i8> %252, <8 x i8>* %0
	%262 = bitcast <8 x i8>* %0 to i8*
	br label %store.byte.2

store.join.2:
	%263 = shufflevector <16 x i32> %18, <16 x i32> %19, <16 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14, i32 16, i32 18, i32 20, i32 22, i32 24, i32 26, i32 28, i32 30>
	%264 = shufflevector <16 x i32> %18, <16 x i32> %19, <16 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15, i32 17, i32 19, i32 21, i32 23, i32 25, i32 27, i32 29, i32 31>
	%265 = add <16 x i32> %263, %264
	%266 = shufflevector <16 x i32> %265, <16 x i32> %265, <8 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14>
	%267 = shufflevector <16 x i32> %265, <16 x i32> %265, <8 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15>
	%268 = add <8 x i32> %266, %267
	%269 = add <8 x i32> %268, %117
	%270 = icmp sgt <8 x i32> %123, <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
	%271 = select <8 x i1> %270, <8 x i32> %123, <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
	%272 = sub <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>, %123
	%273 = select <8 x i1> %270, <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>, <8 x i32> %272
	%274 = shl <8 x i32> %269, %271
	%275 = icmp eq <8 x i32> %274, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%276 = icmp eq <8 x i32> %120, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%277 = and <8 x i1> %275, %276
	%278 = sext <8 x i32> %274 to <8 x i64>
	%279 = sext <8 x i32> %120 to <8 x i64>
	%280 = mul <8 x i64> %278, %279
	%281 = add <8 x i64> %280, <i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000>
	%282 = lshr <8 x i64> %281, <i64 31, i64 31, i64 31, i64 31, i64 31, i64 31, i64 31, i64 31>
	%283 = trunc <8 x i64> %282 to <8 x i32>
	%284 = select <8 x i1> %277, <8 x i32> <i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF>, <8 x i32> %283
	%285 = shl <8 x i32> <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>, %273
	%286 = sub <8 x i32> %285, <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>
	%287 = and <8 x i32> %284, %286
	%288 = ashr <8 x i32> %286, <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>
	%289 = ashr <8 x i32> %284, <i32 31, i32 31, i32 31, i32 31, i32 31, i32 31, i32 31, i32 31>
	%290 = sub <8 x i32> %288, %289
	%291 = icmp sgt <8 x i32> %287, %290
	%292 = zext <8 x i1> %291 to <8 x i32>
	%293 = ashr <8 x i32> %284, %273
	%294 = add <8 x i32> %293, %292
	%295 = add <8 x i32> %294, %104
	%296 = icmp sgt <8 x i32> %295, %106
	%297 = select <8 x i1> %296, <8 x i32> %295, <8 x i32> %106
	%298 = icmp slt <8 x i32> %297, %108
	%299 = select <8 x i1> %298, <8 x i32> %297, <8 x i32> %108
	%300 = trunc <8 x i32> %299 to <8 x i8>
	%301 = mul i64 3, %ldo
	%302 = add i64 %301, %114
	%303 = getelementptr i8, i8* %out, i64 %302
	br i1 %102, label %store.full.3, label %store.part.3

store.byte.2:
	%store.byte.2.i = phi i64 [ 0, %store.part.2 ], [ %308, %store.byte.2.body ]
	%304 = icmp slt i64 %store.byte.2.i, %ncols
	br i1 %304, label %store.byte.2.body, label %store.byte.2.end

store.byte.2.body:
	%305 = getelementptr i8, i8* %262, i64 %store.byte.2.i
	%306 = load i8, i8* %305
	%307 = getelementptr i8, i8* %255, i64 %store.byte.2.i
	store i8 %306, i8* %307
	%308 = add i64 %store.byte.2.i, 1
	br label %store.byte.2

store.byte.2.end:
	br label %store.join.2

store.full.3:
	%309 = bitcast i8* %303 to <8 x i8>*
	store <8 x i8> %300, <8 x i8>* %309, align 1
	br label %store.join.3

store.part.3:
	store <8 x i8> %300, <8 x i8>* %0
	%310 = bitcast <8 x i8>* %0 to i8*
	br label %store.byte.3

store.join.3:
	ret void

store.byte.3:
	%store.byte.3.i = phi i64 [ 0, %store.part.3 ], [ %315, %store.byte.3.body ]
	%311 = icmp slt i64 %store.byte.3.i, %ncols
	br i1 %311, label %store.byte.3.body, label %store.byte.3.end

store.byte.3.body:
	%312 = getelementptr i8, i8* %310, i64 %store.byte.3.i
	%313 = load i8, i8* %312
	%314 = getelementptr i8, i8* %303, i64 %store.byte.3.i
	store i8 %313, i8* %314
	%315 = add i64 %store.byte.3.i, 1
	br label %store.byte.3

store.byte.3.end:
	br label %store.join.3
}

define internal void @kiln_tile5x1(i64 %kq, i8* %a, i64 %lda, i8* %b, i64 %ldb, i64 %j0, i64 %ncols, i32* %bias, i32* %mult, i32* %shift, i8* %out, i64 %ldo, i32 %off, i32 %lo, i32 %hi) nounwind {
entry:
	%0 = alloca <8 x i8>, align 64
	%1 = mul i64 0, %lda
	%2 = getelementptr i8, i8* %a, i64 %1
	%3 = mul i64 1, %lda
	%4 = getelementptr i8, i8* %a, i64 %3
	%5 = mul i64 2, %lda
	%6 = getelementptr i8, i8* %a, i64 %5
	%7 = mul i64 3, %lda
	%8 = getelementptr i8, i8* %a, i64 %7
	%9 = mul i64 4, %lda
	%10 = getelementptr i8, i8* %a, i64 %9
	%11 = add i64 %j0, 0
	%12 = mul i64 %11, %ldb
	%13 = getelementptr i8, i8* %b, i64 %12
	br label %quad

quad:
	%quad.i = phi i64 [ 0, %entry ], [ %124, %quad.body ]
	%14 = phi <16 x i32> [ zeroinitializer, %entry ], [ %43, %quad.body ]
	%15 = phi <16 x i32> [ zeroinitializer, %entry ], [ %47, %quad.body ]
	%16 = phi <16 x i32> [ zeroinitializer, %entry ], [ %62, %quad.body ]
	%17 = phi <16 x i32> [ zeroinitializer, %entry ], [ %66, %quad.body ]
	%18 = phi <16 x i32> [ zeroinitializer, %entry ], [ %81, %quad.body ]
	%19 = phi <16 x i32> [ zeroinitializer, %entry ], [ %85, %quad.body ]
	%20 = phi <16 x i32> [ zeroinitializer, %entry ], [ %100, %quad.body ]
	%21 = phi <16 x i32> [ zeroinitializer, %entry ], [ %104, %quad.body ]
	%22 = phi <16 x i32> [ zeroinitializer, %entry ], [ %119, %quad.body ]
	%23 = phi <16 x i32> [ zeroinitializer, %entry ], [ %123, %quad.body ]
	%24 = icmp slt i64 %quad.i, %kq
	br i1 %24, label %quad.body, label %quad.end

quad.body:
	%25 = mul i64 %quad.i, 32
	%26 = getelementptr i8, i8* %13, i64 %25
	%27 = bitcast i8* %26 to <32 x i8>*
	%28 = load <32 x i8>, <32 x i8>* %27, align 1
	%29 = mul i64 %quad.i, 8
	%30 = getelementptr i8, i8* %2, i64 %29
	%31 = bitcast i8* %30 to i64*
	%32 = load i64, i64* %31, align 1
	%33 = insertelement <4 x i64> undef, i64 %32, i32 0
	%34 = shufflevector <4 x i64> %33, <4 x i64> undef, <4 x i32> zeroinitializer
	%35 = bitcast <4 x i64> %34 to <16 x i16>
	%36 = shufflevector <32 x i8> %28, <32 x i8> %28, <16 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7, i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%37 = sext <16 x i8> %36 to <16 x i16>
	%38 = shufflevector <32 x i8> %28, <32 x i8> %28, <16 x i32> <i32 16, i32 17, i32 18, i32 19, i32 20, i32 21, i32 22, i32 23, i32 24, i32 25, i32 26, i32 27, i32 28, i32 29, i32 30, i32 31>
	%39 = sext <16 x i8> %38 to <16 x i16>
	%40 = sext <16 x i16> %37 to <16 x i32>
	%41 = sext <16 x i16> %35 to <16 x i32>
	%42 = mul <16 x i32> %40, %41
	%43 = add <16 x i32> %14, %42
	%44 = sext <16 x i16> %39 to <16 x i32>
	%45 = sext <16 x i16> %35 to <16 x i32>
	%46 = mul <16 x i32> %44, %45
	%47 = add <16 x i32> %15, %46
	%48 = mul i64 %quad.i, 8
	%49 = getelementptr i8, i8* %4, i64 %48
	%50 = bitcast i8* %49 to i64*
	%51 = load i64, i64* %50, align 1
	%52 = insertelement <4 x i64> undef, i64 %51, i32 0
	%53 = shufflevector <4 x i64> %52, <4 x i64> undef, <4 x i32> zeroinitializer
	%54 = bitcast <4 x i64> %53 to <16 x i16>
	%55 = shufflevector <32 x i8> %28, <32 x i8> %28, <16 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7, i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%56 = sext <16 x i8> %55 to <16 x i16>
	%57 = shufflevector <32 x i8> %28, <32 x i8> %28, <16 x i32> <i32 16, i32 17, i32 18, i32 19, i32 20, i32 21, i32 22, i32 23, i32 24, i32 25, i32 26, i32 27, i32 28, i32 29, i32 30, i32 31>
	%58 = sext <16 x i8> %57 to <16 x i16>
	%59 = sext <16 x i16> %56 to <16 x i32>
	%60 = sext <16 x i16> %54 to <16 x i32>
	%61 = mul <16 x i32> %59, %60
	%62 = add <16 x i32> %16, %61
	%63 = sext <16 x i16> %58 to <16 x i32>
	%64 = sext <16 x i16> %54 to <16 x i32>
	%65 = mul <16 x i32> %63, %64
	%66 = add <16 x i32> %17, %65
	%67 = mul i64 %quad.i, 8
	%68 = getelementptr i8, i8* %6, i64 %67
	%69 = bitcast i8* %68 to i64*
	%70 = load i64, i64* %69, align 1
	%71 = insertelement <4 x i64> undef, i64 %70, i32 0
	%72 = shufflevector <4 x i64> %71, <4 x i64> undef, <4 x i32> zeroinitializer
	%73 = bitcast <4 x i64> %72 to <16 x i16>
	%74 = shufflevector <32 x i8> %28, <32 x i8> %28, <16 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7, i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%75 = sext <16 x i8> %74 to <16 x i16>
	%76 = shufflevector <32 x i8> %28, <32 x i8> %28, <16 x i32> <i32 16, i32 17, i32 18, i32 19, i32 20, i32 21, i32 22, i32 23, i32 24, i32 25, i32 26, i32 27, i32 28, i32 29, i32 30, i32 31>
	%77 = sext <16 x i8> %76 to <16 x i16>
	%78 = sext <16 x i16> %75 to <16 x i32>
	%79 = sext <16 x i16> %73 to <16 x i32>
	%80 = mul <16 x i32> %78, %79
	%81 = add <16 x i32> %18, %80
	%82 = sext <16 x i16> %77 to <16 x i32>
	%83 = sext <16 x i16> %73 to <16 x i32>
	%84 = mul <16 x i32> %82, %83
	%85 = add <16 x i32> %19, %84
	%86 = mul i64 %quad.i, 8
	%87 = getelementptr i8, i8* %8, i64 %86
	%88 = bitcast i8* %87 to i64*
	%89 = load i64, i64* %88, align 1
	%90 = insertelement <4 x i64> undef, i64 %89, i32 0
	%91 = shufflevector <4 x i64> %90, <4 x i64> undef, <4 x i32> zeroinitializer
	%92 = bitcast <4 x i64> %91 to <16 x i16>
	%93 = shufflevector <32 x i8> %28, <32 x i8> %28, <16 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7, i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%94 = sext <16 x i8> %93 to <16 x i16>
	%95 = shufflevector <32 x i8> %28, <32 x i8> %28, <16 x i32> <i32 16, i32 17, i32 18, i32 19, i32 20, i32 21, i32 22, i32 23, i32 24, i32 25, i32 26, i32 27, i32 28, i32 29, i32 30, i32 31>
	%96 = sext <16 x i8> %95 to <16 x i16>
	%97 = sext <16 x i16> %94 to <16 x i32>
	%98 = sext <16 x i16> %92 to <16 x i32>
	%99 = mul <16 x i32> %97, %98
	%100 = add <16 x i32> %20, %99
	%101 = sext <16 x i16> %96 to <16 x i32>
	%102 = sext <16 x i16> %92 to <16 x i32>
	%103 = mul <16 x i32> %101, %102
	%104 = add <16 x i32> %21, %103
	%105 = mul i64 %quad.i, 8
	%106 = getelementptr i8, i8* %10, i64 %105
	%107 = bitcast i8* %106 to i64*
	%108 = load i64, i64* %107, align 1
	%109 = insertelement <4 x i64> undef, i64 %108, i32 0
	%110 = shufflevector <4 x i64> %109, <4 x i64> undef, <4 x i32> zeroinitializer
	%111 = bitcast <4 x i64> %110 to <16 x i16>
	%112 = shufflevector <32 x i8> %28, <32 x i8> %28, <16 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7, i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%113 = sext <16 x i8> %112 to <16 x i16>
	%114 = shufflevector <32 x i8> %28, <32 x i8> %28, <16 x i32> <i32 16, i32 17, i32 18, i32 19, i32 20, i32 21, i32 22, i32 23, i32 24, i32 25, i32 26, i32 27, i32 28, i32 29, i32 30, i32 31>
	%115 = sext <16 x i8> %114 to <16 x i16>
	%116 = sext <16 x i16> %113 to <16 x i32>
	%117 = sext <16 x i16> %111 to <16 x i32>
	%118 = mul <16 x i32> %116, %117
	%119 = add <16 x i32> %22, %118
	%120 = sext <16 x i16> %115 to <16 x i32>
	%121 = sext <16 x i16> %111 to <16 x i32>
	%122 = mul <16 x i32> %120, %121
	%123 = add <16 x i32> %23, %122
	%124 = add i64 %quad.i, 1
	br label %quad

quad.end:
	%125 = icmp sge i64 %ncols, 8
	%126 = insertelement <8 x i32> undef, i32 %off, i32 0
	%127 = shufflevector <8 x i32> %126, <8 x i32> undef, <8 x i32> zeroinitializer
	%128 = insertelement <8 x i32> undef, i32 %lo, i32 0
	%129 = shufflevector <8 x i32> %128, <8 x i32> undef, <8 x i32> zeroinitializer
	%130 = insertelement <8 x i32> undef, i32 %hi, i32 0
	%131 = shufflevector <8 x i32> %130, <8 x i32> undef, <8 x i32> zeroinitializer
	%132 = add i64 %j0, 0
	%133 = mul i64 %132, 8
	%134 = sub i64 %ncols, 8
	%135 = icmp slt i64 %133, %134
	%136 = select i1 %135, i64 %133, i64 %134
	%137 = select i1 %125, i64 %136, i64 0
	%138 = getelementptr i32, i32* %bias, i64 %137
	%139 = bitcast i32* %138 to <8 x i32>*
	%140 = load <8 x i32>, <8 x i32>* %139, align 4
	%141 = getelementptr i32, i32* %mult, i64 %137
	%142 = bitcast i32* %141 to <8 x i32>*
	%143 = load <8 x i32>, <8 x i32>* %142, align 4
	%144 = getelementptr i32, i32* %shift, i64 %137
	%145 = bitcast i32* %144 to <8 x i32>*
	%146 = load <8 x i32>, <8 x i32>* %145, align 4
	%147 = shufflevector <16 x i32> %14, <16 x i32> %15, <16 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14, i32 16, i32 18, i32 20, i32 22, i32 24, i32 26, i32 28, i32 30>
	%148 = shufflevector <16 x i32> %14, <16 x i32> %15, <16 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15, i32 17, i32 19, i32 21, i32 23, i32 25, i32 27, i32 29, i32 31>
	%149 = add <16 x i32> %147, %148
	%150 = shufflevector <16 x i32> %149, <16 x i32> %149, <8 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14>
	%151 = shufflevector <16 x i32> %149, <16 x i32> %149, <8 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15>
	%152 = add <8 x i32> %150, %151
	%153 = add <8 x i32> %152, %140
	%154 = icmp sgt <8 x i32> %146, <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
	%155 = select <8 x i1> %154, <8 x i32> %146, <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
	%156 = sub <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>, %146
	%157 = select <8 x i1> %154, <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>, <8 x i32> %156
	%158 = shl <8 x i32> %153, %155
	%159 = icmp eq <8 x i32> %158, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%160 = icmp eq <8 x i32> %143, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%161 = and <8 x i1> %159, %160
	%162 = sext <8 x i32> %158 to <8 x i64>
	%163 = sext <8 x i32> %143 to <8 x i64>
	%164 = mul <8 x i64> %162, %163
	%165 = add <8 x i64> %164, <i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000>
	%166 = lshr <8 x i64> %165, <i64 31, i64 31, i64 31, i64 31, i64 31, i64 31, i64 31, i64 31>
	%167 = trunc <8 x i64> %166 to <8 x i32>
	%168 = select <8 x i1> %161, <8 x i32> <i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF>, <8 x i32> %167
	%169 = shl <8 x i32> <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>, %157
	%170 = sub <8 x i32> %169, <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>
	%171 = and <8 x i32> %168, %170
	%172 = ashr <8 x i32> %170, <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>
	%173 = ashr <8 x i32> %168, <i32 31, i32 31, i32 31, i32 31, i32 31, i32 31, i32 31, i32 31>
	%174 = sub <8 x i32> %172, %173
	%175 = icmp sgt <8 x i32> %171, %174
	%176 = zext <8 x i1> %175 to <8 x i32>
	%177 = ashr <8 x i32> %168, %157
	%178 = add <8 x i32> %177, %176
	%179 = add <8 x i32> %178, %127
	%180 = icmp sgt <8 x i32> %179, %129
	%181 = select <8 x i1> %180, <8 x i32> %179, <8 x i32> %129
	%182 = icmp slt <8 x i32> %181, %131
	%183 = select <8 x i1> %182, <8 x i32> %181, <8 x i32> %131
	%184 = trunc <8 x i32> %183 to <8 x i8>
	%185 = mul i64 0, %ldo
	%186 = add i64 %185, %137
	%187 = getelementptr i8, i8* %out, i64 %186
	br i1 %125, label %store.full, label %store.part

store.full:
	%188 = bitcast i8* %187 to <8 x i8>*
	store <8 x i8> %184, <8 x i8>* %188, align 1
	br label %store.join

store.part:
	store <8 x i8> %184, <8 x i8>* %0
	%189 = bitcast <8 x i8>* %0 to i8*
	br label %store.byte

store.join:
	%190 = shufflevector <16 x i32> %16, <16 x i32> %17, <16 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14, i32 16, i32 18, i32 20, i32 22, i32 24, i32 26, i32 28, i32 30>
	%191 = shufflevector <16 x i32> %16, <16 x i32> %17, <16 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15, i32 17, i32 19, i32 21, i32 23, i32 25, i32 27, i32 29, i32 31>
	%192 = add <16 x i32> %190, %191
	%193 = shufflevector <16 x i32> %192, <16 x i32> %192, <8 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14>
	%194 = shufflevector <16 x i32> %192, <16 x i32> %192, <8 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15>
	%195 = add <8 x i32> %193, %194
	%196 = add <8 x i32> %195, %140
	%197 = icmp sgt <8 x i32> %146, <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
	%198 = select <8 x i1> %197, <8 x i32> %146, <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
	%199 = sub <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>, %146
	%200 = select <8 x i1> %197, <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>, <8 x i32> %199
	%201 = shl <8 x i32> %196, %198
	%202 = icmp eq <8 x i32> %201, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%203 = icmp eq <8 x i32> %143, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%204 = and <8 x i1> %202, %203
	%205 = sext <8 x i32> %201 to <8 x i64>
	%206 = sext <8 x i32> %143 to <8 x i64>
	%207 = mul <8 x i64> %205, %206
	%208 = add <8 x i64> %207, <i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000>
	%209 = lshr <8 x i64> %208, <i64 31, i64 31, i64 31, i64 31, i64 31, i64 31, i64 31, i64 31>
	%210 = trunc <8 x i64> %209 to <8 x i32>
	%211 = select <8 x i1> %204, <8 x i32> <i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF>, <8 x i32> %210
	%212 = shl <8 x i32> <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>, %200
	%213 = sub <8 x i32> %212, <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>
	%214 = and <8 x i32> %211, %213
	%215 = ashr <8 x i32> %213, <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>
	%216 = ashr <8 x i32> %211, <i32 31, i32 31, i32 31, i32 31, i32 31, i32 31, i32 31, i32 31>
	%217 = sub <8 x i32> %215, %216
	%218 = icmp sgt <8 x i32> %214, %217
	%219 = zext <8 x i1> %218 to <8 x i32>
	%220 = ashr <8 x i32> %211, %200
	%221 = add <8 x i32> %220, %219
	%222 = add <8 x i32> %221, %127
	%223 = icmp sgt <8 x i32> %222, %129
	%224 = select <8 x i1> %223, <8 x i32> %222, <8 x i32> %129
	%225 = icmp slt <8 x i32> %224, %131
	%226 = select <8 x i1> %225, <8 x i32> %224, <8 x i32> %131
	%227 = trunc <8 x i32> %226 to <8 x i8>
	%228 = mul i64 1, %ldo
	%229 = add i64 %228, %137
	%230 = getelementptr i8, i8* %out, i64 %229
	br i1 %125, label %store.full.1, label %store.part.1

store.byte:
	%store.byte.i = phi i64 [ 0, %store.part ], [ %235, %store.byte.body ]
	%231 = icmp slt i64 %store.byte.i, %ncols
	br i1 %231, label %store.byte.body, label %store.byte.end

store.byte.body:
	%232 = getelementptr i8, i8* %189, i64 %store.byte.i
	%233 = load i8, i8* %232
	%234 = getelementptr i8, i8* %187, i64 %store.byte.i
	store i8 %233, i8* %234
	%235 = add i64 %store.byte.i, 1
	br label %store.byte

store.byte.end:
	br label %store.join

store.full.1:
	%236 = bitcast i8* %230 to <8 x i8>*
	store <8 x i8> %227, <8 x i8>* %236, align 1
	br label %store.join.1

store.part.1:
	store <8 x i8> %227, <8 x i8>* %0
	%237 = bitcast <8 x i8>* %0 to i8*
	br label %store.byte.1

store.join.1:
	%238 = shufflevector <16 x i32> %18, <16 x i32> %19, <16 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14, i32 16, i32 18, i32 20, i32 22, i32 24, i32 26, i32 28, i32 30>
	%239 = shufflevector <16 x i32> %18, <16 x i32> %19, <16 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15, i32 17, i32 19, i32 21, i32 23, i32 25, i32 27, i32 29, i32 31>
	%240 = add <16 x i32> %238, %239
	%241 = shufflevector <16 x i32> %240, <16 x i32> %240, <8 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14>
	%242 = shufflevector <16 x i32> %240, <16 x i32> %240, <8 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15>
	%243 = add <8 x i32> %241, %242
	%244 = add <8 x i32> %243, %140
	%245 = icmp sgt <8 x i32> %146, <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
	%246 = select <8 x i1> %245, <8 x i32> %146, <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
	%247 = sub <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>, %146
	%248 = select <8 x i1> %245, <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>, <8 x i32> %247
	%249 = shl <8 x i32> %244, %246
	%250 = icmp eq <8 x i32> %249, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%251 = icmp eq <8 x i32> %143, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%252 = and <8 x i1> %250, %251
	%253 = sext <8 x i32> %249 to <8 x i64>
	%254 = sext <8 x i32> %143 to <8 x i64>
	%255 = mul <8 x i64> %253, %254
	%256 = add <8 x i64> %255, <i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000>
	%257 = lshr <8 x i64> %256, <i64 31, i64 31, i64 31, i64 31, i64 31, i64 31, i64 31, i64 31>
	%258 = trunc <8 x i64> %257 to <8 x i32>
	%259 = select <8 x i1> %252, <8 x i32> <i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF>, <8 x i32> %258
	%260 = shl <8 x i32> <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>, %248
	%261 = sub <8 x i32> %260, <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>
	%262 = and <8 x i32> %259, %261
	%263 = ashr <8 x i32> %261, <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>
	%264 = ashr <8 x i32> %259, <i32 31, i32 31, i32 31, i32 31, i32 31, i32 31, i32 31, i32 31>
	%265 = sub <8 x i32> %263, %264
	%266 = icmp sgt <8 x i32> %262, %265
	%267 = zext <8 x i1> %266 to <8 x i32>
	%268 = ashr <8 x i32> %259, %248
	%269 = add <8 x i32> %268, %267
	%270 = add <8 x i32> %269, %127
	%271 = icmp sgt <8 x i32> %270, %129
	%272 = select <8 x i1> %271, <8 x i32> %270, <8 x i32> %129
	%273 = icmp slt <8 x i32> %272, %131
	%274 = select <8 x i1> %273, <8 x i32> %272, <8 x i32> %131
	%275 = trunc <8 x i32> %274 to <8 x i8>
	%276 = mul i64 2, %ldo
	%277 = add i64 %276, %137
	%278 = getelementptr i8, i8* %out, i64 %277
	br i1 %125, label %store.full.2, label %store.part.2

store.byte.1:
	%store.byte.1.i = phi i64 [ 0, %store.part.1 ], [ %283, %store.byte.1.body ]
	%279 = icmp slt i64 %store.byte.1.i, %ncols
	br i1 %279, label %store.byte.1.body, label %store.byte.1.end

store.byte.1.body:
	%280 = getelementptr i8, i8* %237, i64 %store.byte.1.i
	%281 = load i8, i8* %280
	%282 = getelementptr i8, i8* %230, i64 %store.byte.1.i
	store i8 %281, i8* %282
	%283 = add i64 %store.byte.1.i, 1
	br label %store.byte.1

store.byte.1.end:
	br label %store.join.1

store.full.2:
	%284 = bitcast i8* %278 to <8 x i8>*
	store <8 x i8> %275, <8 x i8>* %284, align 1
	br label %store.join.2

store.part.2:
	store <8 x i8> %275, <8 x i8>* %0
	%285 = bitcast <8 x i8>* %0 to i8*
	br label %store.byte.2

store.join.2:
	%286 = shufflevector <16 x i32> %20, <16 x i32> %21, <16 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14, i32 16, i32 18, i32 20, i32 22, i32 24, i32 26, i32 28, i32 30>
	%287 = shufflevector <16 x i32> %20, <16 x i32> %21, <16 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15, i32 17, i32 19, i32 21, i32 23, i32 25, i32 27, i32 29, i32 31>
	%288 = add <16 x i32> %286, %287
	%289 = shufflevector <16 x i32> %288, <16 x i32> %288, <8 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14>
	%290 = shufflevector <16 x i32> %288, <16 x i32> %288, <8 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15>
	%291 = add <8 x i32> %289, %290
	%292 = add <8 x i32> %291, %140
	%293 = icmp sgt <8 x i32> %146, <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
	%294 = select <8 x i1> %293, <8 x i32> %146, <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
	%295 = sub <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>, %146
	%296 = select <8 x i1> %293, <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>, <8 x i32> %295
	%297 = shl <8 x i32> %292, %294
	%298 = icmp eq <8 x i32> %297, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%299 = icmp eq <8 x i32> %143, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%300 = and <8 x i1> %298, %299
	%301 = sext <8 x i32> %297 to <8 x i64>
	%302 = sext <8 x i32> %143 to <8 x i64>
	%303 = mul <8 x i64> %301, %302
	%304 = add <8 x i64> %303, <i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000>
	%305 = lshr <8 x i64> %304, <i64 31, i64 31, i64 31, i64 31, i64 31, i64 31, i64 31, i64 31>
	%306 = trunc <8 x i64> %305 to <8 x i32>
	%307 = select <8 x i1> %300, <8 x i32> <i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF>, <8 x i32> %306
	%308 = shl <8 x i32> <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>, %296
	%309 = sub <8 x i32> %308, <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>
	%310 = and <8 x i32> %307, %309
	%311 = ashr <8 x i32> %309, <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>
	%312 = ashr <8 x i32> %307, <i32 31, i32 31, i32 31, i32 31, i32 31, i32 31, i32 31, i32 31>
	%313 = sub <8 x i32> %311, %312
	%314 = icmp sgt <8 x i32> %310, %313
	%315 = zext <8 x i1> %314 to <8 x i32>
	%316 = ashr <8 x i32> %307, %296
	%317 = add <8 x i32> %316, %315
	%318 = add <8 x i32> %317, %127
	%319 = icmp sgt <8 x i32> %318, %129
	%320 = select <8 x i1> %319, <8 x i32> %318, <8 x i32> %129
	%321 = icmp slt <8 x i32> %320, %131
	%322 = select <8 x i1> %321, <8 x i32> %320, <8 x i32> %131
	%323 = trunc <8 x i32> %322 to <8 x i8>
	%324 = mul i64 3, %ldo
	%325 = add i64 %324, %137
	%326 = getelementptr i8, i8* %out, i64 %325
	br i1 %125, label %store.full.3, label %store.part.3

store.byte.2:
	%store.byte.2.i = phi i64 [ 0, %store.part.2 ], [ %331, %store.byte.2.body ]
	%327 = icmp slt i64 %store.byte.2.i, %ncols
	br i1 %327, label %store.byte.2.body, label %store.byte.2.end

store.byte.2.body:
	%328 = getelementptr i8, i8* %285, i64 %store.byte.2.i
	%329 = load i8, i8* %328
	%330 = getelementptr i8, i8* %278, i64 %store.byte.2.i
	store i8 %329, i8* %330
	%331 = add i64 %store.byte.2.i, 1
	br label %store.byte.2

store.byte.2.end:
	br label %store.join.2

store.full.3:
	%332 = bitcast i8* %326 to <8 x i8>*
	store <8 x i8> %323, <8 x i8>* %332, align 1
	br label %store.join.3

store.part.3:
	store <8 x i8> %323, <8 x i8>* %0
	%333 = bitcast <8 x i8>* %0 to i8*
	br label %store.byte.3

store.join.3:
	%334 = shufflevector <16 x i32> %22, <16 x i32> %23, <16 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14, i32 16, i32 18, i32 20, i32 22, i32 24, i32 26, i32 28, i32 30>
	%335 = shufflevector <16 x i32> %22, <16 x i32> %23, <16 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15, i32 17, i32 19, i32 21, i32 23, i32 25, i32 27, i32 29, i32 31>
	%336 = add <16 x i32> %334, %335
	%337 = shufflevector <16 x i32> %336, <16 x i32> %336, <8 x i32> <i32 0, i32 2, i32 4, i32 6, i32 8, i32 10, i32 12, i32 14>
	%338 = shufflevector <16 x i32> %336, <16 x i32> %336, <8 x i32> <i32 1, i32 3, i32 5, i32 7, i32 9, i32 11, i32 13, i32 15>
	%339 = add <8 x i32> %337, %338
	%340 = add <8 x i32> %339, %140
	%341 = icmp sgt <8 x i32> %146, <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
	%342 = select <8 x i1> %341, <8 x i32> %146, <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
	%343 = sub <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>, %146
	%344 = select <8 x i1> %341, <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>, <8 x i32> %343
	%345 = shl <8 x i32> %340, %342
	%346 = icmp eq <8 x i32> %345, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%347 = icmp eq <8 x i32> %143, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%348 = and <8 x i1> %346, %347
	%349 = sext <8 x i32> %345 to <8 x i64>
	%350 = sext <8 x i32> %143 to <8 x i64>
	%351 = mul <8 x i64> %349, %350
	%352 = add <8 x i64> %351, <i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000>
	%353 = lshr <8 x i64> %352, <i64 31, i64 31, i64 31, i64 31, i64 31, i64 31, i64 31, i64 31>
	%354 = trunc <8 x i64> %353 to <8 x i32>
	%355 = select <8 x i1> %348, <8 x i32> <i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF>, <8 x i32> %354
	%356 = shl <8 x i32> <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>, %344
	%357 = sub <8 x i32> %356, <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>
	%358 = and <8 x i32> %355, %357
	%359 = ashr <8 x i32> %357, <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>
	%360 = ashr <8 x i32> %355, <i32 31, i32 31, i32 31, i32 31, i32 31, i32 31, i32 31, i32 31>
	%361 = sub <8 x i32> %359, %360
	%362 = icmp sgt <8 x i32> %358, %361
	%363 = zext <8 x i1> %362 to <8 x i32>
	%364 = ashr <8 x i32> %355, %344
	%365 = add <8 x i32> %364, %363
	%366 = add <8 x i32> %365, %127
	%367 = icmp sgt <8 x i32> %366, %129
	%368 = select <8 x i1> %367, <8 x i32> %366, <8 x i32> %129
	%369 = icmp slt <8 x i32> %368, %131
	%370 = select <8 x i1> %369, <8 x i32> %368, <8 x i32> %131
	%371 = trunc <8 x i32> %370 to <8 x i8>
	%372 = mul i64 4, %ldo
	%373 = add i64 %372, %137
	%374 = getelementptr i8, i8* %out, i64 %373
	br i1 %125, label %store.full.4, label %store.part.4

store.byte.3:
	%store.byte.3.i = phi i64 [ 0, %store.part.3 ], [ %379, %store.byte.3.body ]
	%375 = icmp slt i64 %store.byte.3.i, %ncols
	br i1 %375, label %store.byte.3.body, label %store.byte.3.end

store.byte.3.body:
	%376 = getelementptr i8, i8* %333, i64 %store.byte.3.i
	%377 = load i8, i8* %376
	%378 = getelementptr i8, i8* %326, i64 %store.byte.3.i
	store i8 %377, i8* %378
	%379 = add i64 %store.byte.3.i, 1
	br label %store.byte.3

store.byte.3.end:
	br label %store.join.3

store.full.4:
	%380 = bitcast i8* %374 to <8 x i8>*
	store <8 x i8> %371, <8 x i8>* %380, align 1
	br label %store.join.4

store.part.4:
	store <8 x i8> %371, <8 x i8>* %0
	%381 = bitcast <8 x i8>* %0 to i8*
	br label %store.byte.4

store.join.4:
	ret void

store.byte.4:
	%store.byte.4.i = phi i64 [ 0, %store.part.4 ], [ %386, %store.byte.4.body ]
	%382 = icmp slt i64 %store.byte.4.i, %ncols
	br i1 %382, label %store.byte.4.body, label %store.byte.4.end

store.byte.4.body:
	%383 = getelementptr i8, i8* %381, i64 %store.byte.4.i
	%384 = load i8, i8* %383
	%385 = getelementptr i8, i8* %374, i64 %store.byte.4.i
	store i8 %384, i8* %385
	%386 = add i64 %store.byte.4.i, 1
	br label %store.byte.4

store.byte.4.end:
	br label %store.join.4
}

define internal void @kiln_qdense_y_q(i8* %x, i8* %w, i32* %bias, i32* %mult, i32* %shift, i8* %out, i64 %n, i8* %scratch) nounwind {
entry:
	call void @kiln_prepare_a(i8* %x, i8* %scratch, i64 %n, i64 8, i64 8)
	%0 = icmp sge i64 %n, 6
	br i1 %0, label %tall, label %short

tall:
	%1 = sdiv i64 %n, 6
	br label %rows

short:
	switch i64 %n, label %case.end.1 [
		i64 1, label %case1.1
		i64 2, label %case2.1
		i64 3, label %case3.1
		i64 4, label %case4.1
		i64 5, label %case5.1
	]

rows.done:
	ret void

rows:
	%rows.i = phi i64 [ 0, %tall ], [ %13, %panels6x1.end ]
	%2 = icmp slt i64 %rows.i, %1
	br i1 %2, label %rows.body, label %rows.end

rows.body:
	%3 = mul i64 %rows.i, 6
	br label %panels6x1

rows.end:
	%4 = srem i64 %n, 6
	%5 = sub i64 %n, %4
	switch i64 %4, label %case.end [
		i64 1, label %case1
		i64 2, label %case2
		i64 3, label %case3
		i64 4, label %case4
		i64 5, label %case5
	]

panels6x1:
	%panels6x1.i = phi i64 [ 0, %rows.body ], [ %12, %panels6x1.body ]
	%6 = icmp slt i64 %panels6x1.i, 1
	br i1 %6, label %panels6x1.body, label %panels6x1.end

panels6x1.body:
	%7 = mul i64 %panels6x1.i, 1
	%8 = mul i64 %3, 16
	%9 = getelementptr i8, i8* %scratch, i64 %8
	%10 = mul i64 %3, 4
	%11 = getelementptr i8, i8* %out, i64 %10
	call void @kiln_tile6x1(i64 2, i8* %9, i64 16, i8* %w, i64 64, i64 %7, i64 4, i32* %bias, i32* %mult, i32* %shift, i8* %11, i64 4, i32 -46, i32 -128, i32 127)
	%12 = add i64 %panels6x1.i, 1
	br label %panels6x1

panels6x1.end:
	%13 = add i64 %rows.i, 1
	br label %rows

case.end:
	br label %rows.done

case1:
	br label %panels1x1

panels1x1:
	%panels1x1.i = phi i64 [ 0, %case1 ], [ %20, %panels1x1.body ]
	%14 = icmp slt i64 %panels1x1.i, 1
	br i1 %14, label %panels1x1.body, label %panels1x1.end

panels1x1.body:
	%15 = mul i64 %panels1x1.i, 1
	%16 = mul i64 %5, 16
	%17 = getelementptr i8, i8* %scratch, i64 %16
	%18 = mul i64 %5, 4
	%19 = getelementptr i8, i8* %out, i64 %18
	call void @kiln_tile1x1(i64 2, i8* %17, i64 16, i8* %w, i64 64, i64 %15, i64 4, i32* %bias, i32* %mult, i32* %shift, i8* %19, i64 4, i32 -46, i32 -128, i32 127)
	%20 = add i64 %panels1x1.i, 1
	br label %panels1x1

panels1x1.end:
	br label %case.end

case2:
	br label %panels2x1

panels2x1:
	%panels2x1.i = phi i64 [ 0, %case2 ], [ %27, %panels2x1.body ]
	%21 = icmp slt i64 %panels2x1.i, 1
	br i1 %21, label %panels2x1.body, label %panels2x1.end

panels2x1.body:
	%22 = mul i64 %panels2x1.i, 1
	%23 = mul i64 %5, 16
	%24 = getelementptr i8, i8* %scratch, i64 %23
	%25 = mul i64 %5, 4
	%26 = getelementptr i8, i8* %out, i64 %25
	call void @kiln_tile2x1(i64 2, i8* %24, i64 16, i8* %w, i64 64, i64 %22, i64 4, i32* %bias, i32* %mult, i32* %shift, i8* %26, i64 4, i32 -46, i32 -128, i32 127)
	%27 = add i64 %panels2x1.i, 1
	br label %panels2x1

panels2x1.end:
	br label %case.end

case3:
	br label %panels3x1

panels3x1:
	%panels3x1.i = phi i64 [ 0, %case3 ], [ %34, %panels3x1.body ]
	%28 = icmp slt i64 %panels3x1.i, 1
	br i1 %28, label %panels3x1.body, label %panels3x1.end

panels3x1.body:
	%29 = mul i64 %panels3x1.i, 1
	%30 = mul i64 %5, 16
	%31 = getelementptr i8, i8* %scratch, i64 %30
	%32 = mul i64 %5, 4
	%33 = getelementptr i8, i8* %out, i64 %32
	call void @kiln_tile3x1(i64 2, i8* %31, i64 16, i8* %w, i64 64, i64 %29, i64 4, i32* %bias, i32* %mult, i32* %shift, i8* %33, i64 4, i32 -46, i32 -128, i32 127)
	%34 = add i64 %panels3x1.i, 1
	br label %panels3x1

panels3x1.end:
	br label %case.end

case4:
	br label %panels4x1

panels4x1:
	%panels4x1.i = phi i64 [ 0, %case4 ], [ %41, %panels4x1.body ]
	%35 = icmp slt i64 %panels4x1.i, 1
	br i1 %35, label %panels4x1.body, label %panels4x1.end

panels4x1.body:
	%36 = mul i64 %panels4x1.i, 1
	%37 = mul i64 %5, 16
	%38 = getelementptr i8, i8* %scratch, i64 %37
	%39 = mul i64 %5, 4
	%40 = getelementptr i8, i8* %out, i64 %39
	call void @kiln_tile4x1(i64 2, i8* %38, i64 16, i8* %w, i64 64, i64 %36, i64 4, i32* %bias, i32* %mult, i32* %shift, i8* %40, i64 4, i32 -46, i32 -128, i32 127)
	%41 = add i64 %panels4x1.i, 1
	br label %panels4x1

panels4x1.end:
	br label %case.end

case5:
	br label %panels5x1

panels5x1:
	%panels5x1.i = phi i64 [ 0, %case5 ], [ %48, %panels5x1.body ]
	%42 = icmp slt i64 %panels5x1.i, 1
	br i1 %42, label %panels5x1.body, label %panels5x1.end

panels5x1.body:
	%43 = mul i64 %panels5x1.i, 1
	%44 = mul i64 %5, 16
	%45 = getelementptr i8, i8* %scratch, i64 %44
	%46 = mul i64 %5, 4
	%47 = getelementptr i8, i8* %out, i64 %46
	call void @kiln_tile5x1(i64 2, i8* %45, i64 16, i8* %w, i64 64, i64 %43, i64 4, i32* %bias, i32* %mult, i32* %shift, i8* %47, i64 4, i32 -46, i32 -128, i32 127)
	%48 = add i64 %panels5x1.i, 1
	br label %panels5x1

panels5x1.end:
	br label %case.end

case.end.1:
	br label %rows.done

case1.1:
	br label %panels1x1.1

panels1x1.1:
	%panels1x1.1.i = phi i64 [ 0, %case1.1 ], [ %55, %panels1x1.1.body ]
	%49 = icmp slt i64 %panels1x1.1.i, 1
	br i1 %49, label %panels1x1.1.body, label %panels1x1.1.end

panels1x1.1.body:
	%50 = mul i64 %panels1x1.1.i, 1
	%51 = mul i64 0, 16
	%52 = getelementptr i8, i8* %scratch, i64 %51
	%53 = mul i64 0, 4
	%54 = getelementptr i8, i8* %out, i64 %53
	call void @kiln_tile1x1(i64 2, i8* %52, i64 16, i8* %w, i64 64, i64 %50, i64 4, i32* %bias, i32* %mult, i32* %shift, i8* %54, i64 4, i32 -46, i32 -128, i32 127)
	%55 = add i64 %panels1x1.1.i, 1
	br label %panels1x1.1

panels1x1.1.end:
	br label %case.end.1

case2.1:
	br label %panels2x1.1

panels2x1.1:
	%panels2x1.1.i = phi i64 [ 0, %case2.1 ], [ %62, %panels2x1.1.body ]
	%56 = icmp slt i64 %panels2x1.1.i, 1
	br i1 %56, label %panels2x1.1.body, label %panels2x1.1.end

panels2x1.1.body:
	%57 = mul i64 %panels2x1.1.i, 1
	%58 = mul i64 0, 16
	%59 = getelementptr i8, i8* %scratch, i64 %58
	%60 = mul i64 0, 4
	%61 = getelementptr i8, i8* %out, i64 %60
	call void @kiln_tile2x1(i64 2, i8* %59, i64 16, i8* %w, i64 64, i64 %57, i64 4, i32* %bias, i32* %mult, i32* %shift, i8* %61, i64 4, i32 -46, i32 -128, i32 127)
	%62 = add i64 %panels2x1.1.i, 1
	br label %panels2x1.1

panels2x1.1.end:
	br label %case.end.1

case3.1:
	br label %panels3x1.1

panels3x1.1:
	%panels3x1.1.i = phi i64 [ 0, %case3.1 ], [ %69, %panels3x1.1.body ]
	%63 = icmp slt i64 %panels3x1.1.i, 1
	br i1 %63, label %panels3x1.1.body, label %panels3x1.1.end

panels3x1.1.body:
	%64 = mul i64 %panels3x1.1.i, 1
	%65 = mul i64 0, 16
	%66 = getelementptr i8, i8* %scratch, i64 %65
	%67 = mul i64 0, 4
	%68 = getelementptr i8, i8* %out, i64 %67
	call void @kiln_tile3x1(i64 2, i8* %66, i64 16, i8* %w, i64 64, i64 %64, i64 4, i32* %bias, i32* %mult, i32* %shift, i8* %68, i64 4, i32 -46, i32 -128, i32 127)
	%69 = add i64 %panels3x1.1.i, 1
	br label %panels3x1.1

panels3x1.1.end:
	br label %case.end.1

case4.1:
	br label %panels4x1.1

panels4x1.1:
	%panels4x1.1.i = phi i64 [ 0, %case4.1 ], [ %76, %panels4x1.1.body ]
	%70 = icmp slt i64 %panels4x1.1.i, 1
	br i1 %70, label %panels4x1.1.body, label %panels4x1.1.end

panels4x1.1.body:
	%71 = mul i64 %panels4x1.1.i, 1
	%72 = mul i64 0, 16
	%73 = getelementptr i8, i8* %scratch, i64 %72
	%74 = mul i64 0, 4
	%75 = getelementptr i8, i8* %out, i64 %74
	call void @kiln_tile4x1(i64 2, i8* %73, i64 16, i8* %w, i64 64, i64 %71, i64 4, i32* %bias, i32* %mult, i32* %shift, i8* %75, i64 4, i32 -46, i32 -128, i32 127)
	%76 = add i64 %panels4x1.1.i, 1
	br label %panels4x1.1

panels4x1.1.end:
	br label %case.end.1

case5.1:
	br label %panels5x1.1

panels5x1.1:
	%panels5x1.1.i = phi i64 [ 0, %case5.1 ], [ %83, %panels5x1.1.body ]
	%77 = icmp slt i64 %panels5x1.1.i, 1
	br i1 %77, label %panels5x1.1.body, label %panels5x1.1.end

panels5x1.1.body:
	%78 = mul i64 %panels5x1.1.i, 1
	%79 = mul i64 0, 16
	%80 = getelementptr i8, i8* %scratch, i64 %79
	%81 = mul i64 0, 4
	%82 = getelementptr i8, i8* %out, i64 %81
	call void @kiln_tile5x1(i64 2, i8* %80, i64 16, i8* %w, i64 64, i64 %78, i64 4, i32* %bias, i32* %mult, i32* %shift, i8* %82, i64 4, i32 -46, i32 -128, i32 127)
	%83 = add i64 %panels5x1.1.i, 1
	br label %panels5x1.1

panels5x1.1.end:
	br label %case.end.1
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
	%4 = mul i64 %n64, 128
	%5 = getelementptr i8, i8* %arena, i64 %4
	; h.q = qdense  tiny.kiln:4:13
	call void @kiln_qdense_h_q(i8* %arena, i8* getelementptr ([64 x i8], [64 x i8]* @h.weight.q.packed, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.bias, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.mult, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.shift, i64 0, i64 0), i8* %3, i64 %n64, i8* %5), !kiln.src !1
	%6 = mul i64 %n64, 64
	%7 = getelementptr i8, i8* %arena, i64 %6
	%8 = mul i64 %n64, 128
	%9 = getelementptr i8, i8* %arena, i64 %8
	; y.q = qdense  tiny.kiln:5:14
	call void @kiln_qdense_y_q(i8* %7, i8* getelementptr ([64 x i8], [64 x i8]* @y.weight.q.packed, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @y.q.bias, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @y.q.mult, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @y.q.shift, i64 0, i64 0), i8* %arena, i64 %n64, i8* %9), !kiln.src !2
	%10 = mul i64 %n64, 4
	; y = dequantize  tiny.kiln:5:14
	call void @llvm.memcpy.p0i8.p0i8.i64(i8* %y, i8* %arena, i64 %10, i1 false), !kiln.src !3
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
	%4 = mul i64 %n64, 128
	%5 = getelementptr i8, i8* %arena, i64 %4
	; h.q = qdense  tiny.kiln:4:13
	call void @kiln_qdense_h_q(i8* %arena, i8* getelementptr ([64 x i8], [64 x i8]* @h.weight.q.packed, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.bias, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.mult, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.shift, i64 0, i64 0), i8* %3, i64 %n64, i8* %5), !kiln.src !5
	%6 = mul i64 %n64, 64
	%7 = getelementptr i8, i8* %arena, i64 %6
	%8 = mul i64 %n64, 128
	%9 = getelementptr i8, i8* %arena, i64 %8
	; y.q = qdense  tiny.kiln:5:14
	call void @kiln_qdense_y_q(i8* %7, i8* getelementptr ([64 x i8], [64 x i8]* @y.weight.q.packed, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @y.q.bias, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @y.q.mult, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @y.q.shift, i64 0, i64 0), i8* %arena, i64 %n64, i8* %9), !kiln.src !6
	%10 = mul i64 %n64, 4
	; y = dequantize  tiny.kiln:5:14
	call void @kiln_dequantize(i8* %arena, float* %y, i64 %10, float 0x3F73951760000000, i32 -46), !kiln.src !7
	ret i32 0

bad_batch:
	ret i32 -1
}

define i64 @kiln_tiny_arena_size() nounwind {
entry:
	ret i64 144
}

!0 = !{!"x.q = quantize  tiny.kiln:3:9"}
!1 = !{!"h.q = qdense  tiny.kiln:4:13"}
!2 = !{!"y.q = qdense  tiny.kiln:5:14"}
!3 = !{!"y = dequantize  tiny.kiln:5:14"}
!4 = !{!"x.q = quantize  tiny.kiln:3:9"}
!5 = !{!"h.q = qdense  tiny.kiln:4:13"}
!6 = !{!"y.q = qdense  tiny.kiln:5:14"}
!7 = !{!"y = dequantize  tiny.kiln:5:14"}
